package io.cometbridge.session;

import io.cometbridge.api.CloseReason;
import io.cometbridge.api.SessionClosedException;
import io.cometbridge.util.SerialExecutor;

import java.util.concurrent.CompletableFuture;

/**
 * Bounds what senders may queue on a session's executor. The replay buffer bounds the messages a
 * session holds, but only once their tasks run: a broadcaster faster than the workers (or an
 * application sending from its own threads) could otherwise grow the executor's queue without
 * limit. Once the executor holds as many tasks as the replay buffer may hold messages, nothing
 * more is queued and the session closes as a client that does not keep up does (4002,
 * PROTOCOL.md section 6): its client hears it lost the session, never a silent gap.
 */
final class SendBacklog {
    private final SerialExecutor executor;
    private final int max;
    private final Runnable close; // runs on the executor
    private volatile boolean full;

    SendBacklog(SerialExecutor executor, int max, Runnable close) {
        this.executor = executor;
        this.max = max;
        this.close = close;
    }

    /** True when the executor is full: {@code acked} (if any) fails and the session's close is queued. */
    boolean refuses(CompletableFuture<Void> acked) {
        if (executor.backlog() < max) return false;
        if (acked != null) acked.completeExceptionally(new SessionClosedException(CloseReason.QUEUE_FULL));
        if (!full) { // once, give or take a race between two senders (closing twice is harmless)
            full = true;
            executor.execute(close);
        }
        return true;
    }
}
