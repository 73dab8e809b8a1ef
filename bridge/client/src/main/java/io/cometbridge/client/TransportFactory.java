package io.cometbridge.client;

import io.cometbridge.api.TransportKind;

import java.time.Duration;

/** Makes the client's transports, each reporting to the client's {@link ClientTransport.Owner}. */
final class TransportFactory {
    /** How long the server holds a poll, plus slack: a receive that takes longer has failed. */
    private static final Duration POLL_HOLD = Duration.ofSeconds(20);

    private final ClientConfig config;
    private final ClientTransport.Owner owner;
    private final IdleCuts idleCuts;
    private boolean probeNext;

    TransportFactory(ClientConfig config, ClientTransport.Owner owner, IdleCuts idleCuts) {
        this.config = config;
        this.owner = owner;
        this.idleCuts = idleCuts;
    }

    /** The next WebSocket is a background probe: it sends a probe frame and attaches only once it is echoed. */
    void probeNext() {
        probeNext = true;
    }

    ClientTransport create(TransportKind kind) {
        boolean probe = probeNext;
        probeNext = false;
        return kind == TransportKind.WEBSOCKET
                ? new WebSocketClientTransport(config.http(), config.webSocketUri(), config.headers(), config.connectTimeout(), owner, probe)
                : new PollingClientTransport(config.http(), config.httpBase(), config.headers(), POLL_HOLD, owner,
                        () -> idleCuts.pollHoldMillis(POLL_HOLD.toMillis()));
    }
}
