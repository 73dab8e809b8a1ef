package io.cometbridge.client;

import io.cometbridge.api.CloseReason;
import io.cometbridge.api.TransportKind;
import io.cometbridge.channel.ChannelEvents;
import io.cometbridge.protocol.Message;

import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the client's events meet the application's {@link BridgeClient.Listener}: the channel's
 * deliveries and acknowledgements, and the session's open, transport change, loss and close. A
 * listener that throws is logged and does not disturb the client. Runs on the client's executor.
 */
final class ClientEvents implements ChannelEvents<CompletableFuture<Void>> {
    private static final Logger LOG = LoggerFactory.getLogger(BridgeClient.class);

    private final BridgeClient client;
    private final BridgeClient.Listener listener;

    ClientEvents(BridgeClient client, BridgeClient.Listener listener) {
        this.client = client;
        this.listener = listener;
    }

    @Override
    public void deliver(Message message) {
        call(() -> listener.onMessage(client, message));
    }

    @Override
    public void acknowledged(CompletableFuture<Void> token) {
        token.complete(null);
    }

    void opened() {
        call(() -> listener.onOpen(client));
    }

    void transportChanged(TransportKind kind) {
        call(() -> listener.onTransportChange(client, kind));
    }

    void sessionLost(String why) {
        call(() -> listener.onSessionLost(client, why));
    }

    void idleCut(long silentMillis, long keepaliveMillis, boolean confirmed) {
        call(() -> listener.onIdleCut(client, silentMillis, keepaliveMillis, confirmed));
    }

    void reconnecting(TransportKind next, long delayMillis, int attempt) {
        call(() -> listener.onReconnecting(client, next, delayMillis, attempt));
    }

    void reconnected(TransportKind kind) {
        call(() -> listener.onReconnected(client, kind));
    }

    void upgraded(TransportKind from) {
        call(() -> listener.onUpgraded(client, from));
    }

    void demoted(String reason, long forMillis) {
        call(() -> listener.onDemoted(client, reason, forMillis));
    }

    void closed(CloseReason reason) {
        call(() -> listener.onClose(client, reason));
    }

    private static void call(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("listener failed", e);
        }
    }
}
