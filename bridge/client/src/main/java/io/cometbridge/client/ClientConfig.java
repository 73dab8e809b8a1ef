package io.cometbridge.client;

import io.cometbridge.api.TransportKind;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;

/** A client's settings, as {@link BridgeClientBuilder} collected them. */
record ClientConfig(
        URI httpBase,
        URI webSocketUri,
        List<TransportKind> order,
        BridgeClient.Listener listener,
        String origin,
        HttpClient http,
        Executor executor,
        Duration connectTimeout,
        Duration openTimeout,
        int maxQueuedMessages,
        long maxQueuedBytes,
        ClientMemory memory) {
}
