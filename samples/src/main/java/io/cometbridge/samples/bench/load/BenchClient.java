package io.cometbridge.samples.bench.load;

import java.util.concurrent.CompletableFuture;

/**
 * One client session of a system under test, as the workloads see it. Every system's adapter
 * speaks that system's own protocol; the application on each server is the same (echo, a fan-out
 * room, a broadcaster).
 */
public interface BenchClient {

    /** What a client hears: application messages (echo replies, fan-out broadcasts) and its end. */
    interface Listener {
        void onMessage(BenchClient client, String text);

        default void onClosed(BenchClient client, String reason) {
        }
    }

    /**
     * Opens the session; completes when the client would report itself connected (bridge: the
     * {@code open} frame; Socket.IO: the namespace CONNECT answer; CometD: the first
     * {@code /meta/connect} reply after the handshake).
     */
    CompletableFuture<Void> connect();

    /** Joins the fan-out room (bridge and Socket.IO: a "j" message answered "j"; CometD: subscribe to /fan). */
    CompletableFuture<Void> join();

    /** Sends one application message (the echo workload); never blocks. */
    void send(String text);

    /** True once the session ended or failed (not by {@link #close()}); also when it never connected. */
    boolean lost();

    /** True when {@link #connect()} succeeded (whatever happened after). */
    boolean connected();

    /** Stops the client (no more requests; the socket is closed). */
    void close();
}
