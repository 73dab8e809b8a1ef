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
    private boolean pollingCohort; // the server put the session in the polling A/B cohort: WebSocket is refused to it

    RetryPlan(List<TransportKind> order) {
        this.order = order;
    }

    TransportKind first() {
        return allowed(order.get(0));
    }

    /** A transport failed (or an attach was refused); returns the kind to try next. */
    TransportKind failed(TransportKind kind, boolean wasCarryingTheSession, boolean switching) {
        failuresInRow++;
        boolean sameAgain = failuresInRow <= 1 && (wasCarryingTheSession || switching);
        return allowed(sameAgain ? kind : order.get((order.indexOf(kind) + 1) % order.size()));
    }

    /**
     * What the server said of the session's A/B cohort (docs/PROTOCOL.md 10.3): an open frame's
     * {@code cohort} ({@code known}: a new session's open frame, which replaces what an earlier
     * session was told) or a {@code polling_cohort} refusal. A polling-cohort session stays on
     * long-polling: WebSocket is never tried for it again.
     */
    void cohort(boolean polling, boolean known) {
        pollingCohort = known ? polling : pollingCohort || polling;
    }

    /** {@code kind}, unless the session is in the polling cohort (then long-polling, when the client may use it). */
    private TransportKind allowed(TransportKind kind) {
        return pollingCohort && kind == TransportKind.WEBSOCKET && order.contains(TransportKind.POLLING) ? TransportKind.POLLING : kind;
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
