package io.cometbridge.api;

/** The transports a session can ride on. */
public enum TransportKind {
    WEBSOCKET("websocket"),
    POLLING("polling");

    private final String wireName;

    TransportKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
