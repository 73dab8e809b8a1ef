package io.cometbridge.server;

import org.eclipse.jetty.server.Request;

/**
 * Lets Jetty run a WebSocket's reads on the selector thread that found them readable, as it runs
 * the polling requests (the bridge's handler tree never blocks: {@link BridgeHandlerTree}).
 *
 * <p>Jetty's {@code WebSocketConnection} declares its reads blocking whatever its frame handler
 * does, so the selector hands every readable WebSocket to another thread first (a wake-up, and a
 * thread taking over the selector): the WebSocket echo took 31-56 against 21-26 µs of server CPU
 * per round trip without it (docs/BENCHMARK.md, "Latest echo run: the selector runs the polling
 * requests and the WebSocket reads"). Call this from an upgrade whose frame handler never blocks;
 * the socket's reads then run on its selector once it is a WebSocket. It applies to plain
 * WebSockets on the bridge's connectors; one over TLS, or on another server's connector, keeps
 * Jetty's hand-off.
 */
public final class SelectorReads {
    private SelectorReads() {
    }

    /** Marks the socket of this upgrade request: its WebSocket's frame handler never blocks. */
    public static void forWebSocket(Request upgrade) {
        MeteredEndPoint socket = MeteredEndPoint.of(upgrade);
        if (socket != null) socket.webSocketReadsOnSelector();
    }
}
