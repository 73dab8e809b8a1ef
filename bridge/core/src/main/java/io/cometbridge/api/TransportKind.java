package io.cometbridge.api;

/**
 * The transports a session can ride on. The Bayeux kinds carry sessions of unmodified CometD
 * clients (legacy-polling's {@code io.cometbridge.bayeux}); they are counted apart so the native
 * WebSocket/polling comparison (/stats, the A/B page) stays a comparison of the bridge's own protocol.
 */
public enum TransportKind {
    WEBSOCKET("websocket"),
    POLLING("polling"),
    BAYEUX_POLLING("bayeux-long-polling"),
    BAYEUX_WEBSOCKET("bayeux-websocket");

    private final String wireName;

    TransportKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
