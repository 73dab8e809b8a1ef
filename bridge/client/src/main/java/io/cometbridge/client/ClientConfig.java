package io.cometbridge.client;

import io.cometbridge.api.TransportKind;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.concurrent.Executor;

/**
 * A client's settings, as {@link BridgeClientBuilder} collected them. {@code headers}: what every
 * request and WebSocket handshake carries (Origin included); {@code tokenProvider}: the attach
 * frame's {@code auth} token, asked for at each attach (null: none).
 */
record ClientConfig(
        URI httpBase,
        URI webSocketUri,
        List<TransportKind> order,
        BridgeClient.Listener listener,
        Map<String, String> headers,
        Supplier<String> tokenProvider,
        HttpClient http,
        Executor executor,
        Duration connectTimeout,
        Duration openTimeout,
        int maxQueuedMessages,
        long maxQueuedBytes,
        ClientMemory memory,
        ProbeSettings probes) {
}
