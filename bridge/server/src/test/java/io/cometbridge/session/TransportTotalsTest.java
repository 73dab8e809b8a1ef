package io.cometbridge.session;

import io.cometbridge.api.Cohort;
import io.cometbridge.api.TransportKind;
import io.cometbridge.session.SessionStats.Counter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The server's totals, folded on read from the sessions' own counters: every count once, never going down. */
class TransportTotalsTest {
    private static final TransportKind POLLING = TransportKind.POLLING;

    @Test
    void totalsHoldTheLiveSessionsAndTheEndedOnesPerCohort() {
        TransportTotals totals = new TransportTotals();
        SessionStats ended = new SessionStats("a", totals, Cohort.CONTROL);
        SessionStats live = new SessionStats("b", totals, Cohort.POLLING);
        ended.wire(POLLING, 100, 10);
        live.wire(POLLING, 5, 1);
        ended.retire();

        assertThat(totals.get(POLLING, Counter.WIRE_BYTES_IN)).isEqualTo(105);
        assertThat(totals.get(Cohort.CONTROL, POLLING, Counter.WIRE_BYTES_IN)).isEqualTo(100);
        assertThat(totals.get(Cohort.POLLING, POLLING, Counter.WIRE_BYTES_OUT)).isEqualTo(1);
        assertThat(ended.get(POLLING, Counter.WIRE_BYTES_IN)).as("an ended session still shows its own counts").isEqualTo(100);
    }

    @Test
    void whatAnEndedSessionCountsLaterReachesTheTotalsOnce() {
        TransportTotals totals = new TransportTotals();
        SessionStats session = new SessionStats("a", totals);
        session.wire(POLLING, 7, 0);
        session.retire();
        session.wire(POLLING, 3, 4); // its last answer's bytes, written after it ended
        session.httpRequest(POLLING);
        session.retire(); // twice: nothing moves twice

        assertThat(totals.get(POLLING, Counter.WIRE_BYTES_IN)).isEqualTo(10);
        assertThat(totals.get(POLLING, Counter.WIRE_BYTES_OUT)).isEqualTo(4);
        assertThat(totals.get(POLLING, Counter.HTTP_REQUESTS)).isEqualTo(1);
    }

    @Test
    void aSessionKeepsCountersOnlyForTheKindsItUsesAndOneFirstUsedAfterItEndedStillCounts() {
        TransportTotals totals = new TransportTotals();
        SessionStats session = new SessionStats("a", totals);
        session.wire(TransportKind.WEBSOCKET, 5, 6);
        assertThat(session.get(POLLING, Counter.WIRE_BYTES_IN)).isZero();
        session.retire();
        session.wire(POLLING, 7, 0); // a kind first counted after the session ended

        assertThat(totals.get(TransportKind.WEBSOCKET, Counter.WIRE_BYTES_OUT)).isEqualTo(6);
        assertThat(totals.get(POLLING, Counter.WIRE_BYTES_IN)).isEqualTo(7);
        assertThat(totals.get(TransportKind.BAYEUX_POLLING, Counter.WIRE_BYTES_IN)).isZero();
    }

    /**
     * I/O threads count bytes for sessions that end while they count, and a reader folds the
     * totals all the while: no snapshot goes down, and the last one holds every byte exactly once.
     */
    @Test
    void sessionsEndingWhileTheirBytesAreCountedAndTheTotalsReadLoseAndRepeatNothing() throws Exception {
        for (int round = 0; round < 50; round++) {
            TransportTotals totals = new TransportTotals();
            List<SessionStats> sessions = new ArrayList<>();
            for (int i = 0; i < 20; i++) sessions.add(new SessionStats("s" + i, totals));
            AtomicBoolean counting = new AtomicBoolean(true);
            AtomicReference<String> wentDown = new AtomicReference<>();
            CyclicBarrier start = new CyclicBarrier(4);
            Thread[] threads = {
                    new Thread(() -> await(start, () -> {
                        for (int n = 0; n < 500; n++) for (SessionStats s : sessions) s.wire(POLLING, 1, 0);
                    })),
                    new Thread(() -> await(start, () -> {
                        for (int n = 0; n < 500; n++) for (SessionStats s : sessions) s.wire(POLLING, 1, 0);
                    })),
                    new Thread(() -> await(start, () -> sessions.forEach(SessionStats::retire))),
                    new Thread(() -> await(start, () -> {
                        long last = 0;
                        while (counting.get()) {
                            long now = totals.get(POLLING, Counter.WIRE_BYTES_IN);
                            if (now < last) wentDown.set(last + " then " + now);
                            last = now;
                        }
                    })),
            };
            for (Thread t : threads) t.start();
            for (int i = 0; i < 3; i++) threads[i].join();
            counting.set(false);
            threads[3].join();

            assertThat(wentDown.get()).as("a snapshot went down").isNull();
            assertThat(totals.get(POLLING, Counter.WIRE_BYTES_IN)).isEqualTo(2L * 500 * sessions.size());
        }
    }

    private static void await(CyclicBarrier barrier, Runnable then) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        then.run();
    }
}
