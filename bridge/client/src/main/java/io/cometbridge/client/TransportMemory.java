package io.cometbridge.client;

import io.cometbridge.api.TransportKind;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether WebSocket failed for a bridge, kept in the {@link ClientMemory} so that the next client
 * starts on polling at once instead of waiting out a WebSocket that will fail again. Remembered
 * only once polling has worked (a network that is down is no reason), forgotten as soon as a
 * WebSocket carries a session again, and expiring after {@code rememberFor}.
 */
final class TransportMemory {
    private static final Logger LOG = LoggerFactory.getLogger(BridgeClient.class);
    private static final String POLLING = "polling";
    private static final String WEBSOCKET = "websocket";

    private final ClientMemory memory;
    private final String key;
    private final Duration rememberFor;

    TransportMemory(ClientMemory memory, String bridge, Duration rememberFor) {
        this.memory = memory;
        this.key = "cometbridge:transport:" + bridge;
        this.rememberFor = rememberFor;
    }

    /** The order to start with: polling first while WebSocket is remembered as failing. */
    List<TransportKind> startOrder(List<TransportKind> configured) {
        if (!configured.contains(TransportKind.POLLING) || !configured.contains(TransportKind.WEBSOCKET)) return configured;
        String remembered;
        try {
            remembered = memory.recall(key);
        } catch (RuntimeException e) { // the store failed: start as configured
            LOG.debug("could not recall the transport: " + e);
            return configured;
        }
        if (!POLLING.equals(remembered)) return configured;
        List<TransportKind> order = new ArrayList<>(configured);
        order.remove(TransportKind.POLLING);
        order.add(0, TransportKind.POLLING);
        return List.copyOf(order);
    }

    /** WebSocket failed and polling works: later clients start on polling. */
    void webSocketFailed() {
        store(POLLING);
    }

    /** A WebSocket carries the session: forget any failure. */
    void webSocketWorks() {
        store(WEBSOCKET);
    }

    private void store(String value) {
        try {
            memory.remember(key, value, rememberFor);
        } catch (RuntimeException e) {
            LOG.debug("could not remember the transport: " + e);
        }
    }
}
