package io.cometbridge.samples.bench.load;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

/** CometD's Bayeux {@code websocket} transport: every Bayeux batch is one WebSocket text message on {@code /cometd}. */
final class CometdWsClient extends WsClient {
    private final Bayeux bayeux;

    CometdWsClient(LoadGenerator load, URI base, Listener listener) {
        super(load, base, listener);
        this.bayeux = new Bayeux(this, "websocket", opened, joined, listener, this::fail);
    }

    @Override
    URI endpoint() {
        return URI.create("ws" + base.toString().substring(4));
    }

    @Override
    void onOpen() {
        sendText(bayeux.handshake());
    }

    @Override
    void onText(String text) {
        if (bayeux.onBatch(text) == Bayeux.Next.CONNECT && !stopped) sendText(bayeux.connect());
    }

    @Override
    public void send(String text) {
        sendText("[" + bayeux.publish(text) + "]");
    }

    @Override
    public CompletableFuture<Void> join() {
        sendText("[" + bayeux.subscribe() + "]");
        return joined;
    }
}
