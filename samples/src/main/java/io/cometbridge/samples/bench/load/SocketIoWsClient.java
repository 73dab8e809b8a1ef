package io.cometbridge.samples.bench.load;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * Socket.IO over WebSocket only (as socket.io-client with {@code transports: ["websocket"]}), from
 * the Engine.IO v4 and Socket.IO v5 protocol documents: Engine.IO OPEN {@code 0{…}} → the client
 * sends CONNECT {@code 40} → the server answers {@code 40{"sid":…}}; events are
 * {@code 42["name",arg]}; the server's PING {@code 2} is answered PONG {@code 3}.
 */
final class SocketIoWsClient extends WsClient {
    private final SocketIoPackets packets;

    SocketIoWsClient(LoadGenerator load, URI base, Listener listener) {
        super(load, base, listener);
        this.packets = new SocketIoPackets(this, opened, joined, listener, this::sendText);
    }

    @Override
    URI endpoint() {
        return URI.create("ws" + base.toString().substring(4) + "?EIO=4&transport=websocket");
    }

    @Override
    void onOpen() {
        // the server speaks first (Engine.IO OPEN)
    }

    @Override
    void onText(String text) {
        String problem = packets.onPacket(text);
        if (problem != null) fail(problem);
    }

    @Override
    public void send(String text) {
        sendText(SocketIoPackets.event("e", text));
    }

    @Override
    public CompletableFuture<Void> join() {
        sendText(SocketIoPackets.JOIN);
        return joined;
    }
}
