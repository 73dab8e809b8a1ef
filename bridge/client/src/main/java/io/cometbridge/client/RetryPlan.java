package io.cometbridge.client;

import io.cometbridge.api.TransportKind;
import io.cometbridge.channel.Backoff;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where and when a client tries next after a failure: the same transport once (a dropped
 * connection usually comes back), then the next in the configured order; at once after the first
 * failure, then backing off ({@link Backoff}) until the session makes progress again. Confined to
 * the client's executor.
 */
final class RetryPlan {
    private final List<TransportKind> order;
    private int failuresInRow;

    RetryPlan(List<TransportKind> order) {
        this.order = order;
    }

    TransportKind first() {
        return order.get(0);
    }

    /** A transport failed (or an attach was refused); returns the kind to try next. */
    TransportKind failed(TransportKind kind, boolean wasCarryingTheSession, boolean switching) {
        failuresInRow++;
        boolean sameAgain = failuresInRow <= 1 && (wasCarryingTheSession || switching);
        return sameAgain ? kind : order.get((order.indexOf(kind) + 1) % order.size());
    }

    /** Messages moved: the next failure retries at once again. */
    void progress() {
        failuresInRow = 0;
    }

    /** How long to wait before the next attempt (jittered). */
    long delayMillis() {
        return Backoff.jittered(Backoff.delayMillis(failuresInRow), ThreadLocalRandom.current().nextDouble());
    }

    int failuresInRow() {
        return failuresInRow;
    }
}
