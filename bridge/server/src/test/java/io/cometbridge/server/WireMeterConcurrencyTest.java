package io.cometbridge.server;

import io.cometbridge.api.TransportKind;
import io.cometbridge.session.SessionStats;
import io.cometbridge.session.SessionStats.Counter;
import io.cometbridge.session.TransportTotals;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every byte a meter sees is counted exactly once while reads, writes, charges and closes race. */
class WireMeterConcurrencyTest {
    private static final TransportKind WS = TransportKind.WEBSOCKET;

    @Test
    void aWebSocketChargedWhileItsReaderAndWriterRunCountsEveryByteOnce() throws Exception {
        for (int round = 0; round < 200; round++) {
            TransportTotals totals = new TransportTotals();
            SessionStats session = new SessionStats("s", totals);
            WireMeter meter = new WireMeter(totals);
            meter.upgrade();
            runTogether(
                    () -> repeat(2_000, () -> meter.filled(3)),
                    () -> repeat(2_000, () -> meter.flushed(5)),
                    () -> meter.chargeTo(session, WS));
            meter.closed();
            assertEquals(6_000, session.get(WS, Counter.WIRE_BYTES_IN));
            assertEquals(10_000, session.get(WS, Counter.WIRE_BYTES_OUT));
            assertEquals(1, session.get(WS, Counter.HTTP_REQUESTS));
            assertEquals(6_000, totals.get(WS, Counter.WIRE_BYTES_IN));
            assertEquals(10_000, totals.get(WS, Counter.WIRE_BYTES_OUT));
            assertEquals(0, totals.unattributedBytesIn() + totals.unattributedBytesOut());
        }
    }

    @Test
    void aWebSocketClosedWhileItAttachesGoesWhollyToOneSideAndLosesNothing() throws Exception {
        for (int round = 0; round < 200; round++) {
            TransportTotals totals = new TransportTotals();
            SessionStats session = new SessionStats("s", totals);
            WireMeter meter = new WireMeter(totals);
            meter.upgrade();
            runTogether(
                    () -> repeat(1_000, () -> meter.filled(2)),
                    () -> repeat(1_000, () -> meter.flushed(7)),
                    () -> meter.chargeTo(session, WS),
                    meter::closed);
            long in = session.get(WS, Counter.WIRE_BYTES_IN) + totals.unattributedBytesIn();
            long out = session.get(WS, Counter.WIRE_BYTES_OUT) + totals.unattributedBytesOut();
            assertEquals(2_000, in);
            assertEquals(7_000, out);
            // a close before any byte settles the exchange empty: no request counted anywhere
            assertTrue(session.get(WS, Counter.HTTP_REQUESTS) + totals.unattributedRequests() <= 1,
                    "the exchange is at most one request, the session's or an unattributed one");
        }
    }

    @Test
    void manyConnectionsOfOneSessionOnManyThreadsAddUpExactly() throws Exception {
        TransportTotals totals = new TransportTotals();
        SessionStats session = new SessionStats("s", totals);
        List<Runnable> connections = new ArrayList<>();
        int threads = 4;
        int exchanges = 5_000;
        for (int t = 0; t < threads; t++) {
            WireMeter meter = new WireMeter(totals);
            connections.add(() -> {
                for (int i = 0; i < exchanges; i++) { // keep-alive HTTP: request in, charge, response out
                    meter.filled(100);
                    meter.filled(11);
                    meter.chargeTo(session, TransportKind.POLLING);
                    meter.flushed(40);
                    meter.flushed(2);
                }
                meter.closed();
            });
        }
        runTogether(connections.toArray(Runnable[]::new));
        long requests = (long) threads * exchanges;
        assertEquals(requests, session.get(TransportKind.POLLING, Counter.HTTP_REQUESTS));
        assertEquals(requests * 111, session.get(TransportKind.POLLING, Counter.WIRE_BYTES_IN));
        assertEquals(requests * 42, session.get(TransportKind.POLLING, Counter.WIRE_BYTES_OUT));
        assertEquals(requests * 111, totals.get(TransportKind.POLLING, Counter.WIRE_BYTES_IN));
        assertEquals(requests * 42, totals.get(TransportKind.POLLING, Counter.WIRE_BYTES_OUT));
        assertEquals(0, totals.unattributedRequests());
    }

    @Test
    void anHttpExchangeAnsweredBeforeAnyChargeIsOneUnattributedRequest() {
        TransportTotals totals = new TransportTotals();
        SessionStats session = new SessionStats("s", totals);
        WireMeter meter = new WireMeter(totals);
        meter.filled(30);
        meter.flushed(20);
        meter.chargeTo(session, TransportKind.POLLING); // too late: the response has started
        meter.flushed(5);
        meter.filled(9); // the next request
        meter.chargeTo(session, TransportKind.POLLING);
        meter.flushed(4);
        meter.closed();
        assertEquals(1, totals.unattributedRequests());
        assertEquals(30, totals.unattributedBytesIn());
        assertEquals(25, totals.unattributedBytesOut());
        assertEquals(1, session.get(TransportKind.POLLING, Counter.HTTP_REQUESTS));
        assertEquals(9, session.get(TransportKind.POLLING, Counter.WIRE_BYTES_IN));
        assertEquals(4, session.get(TransportKind.POLLING, Counter.WIRE_BYTES_OUT));
    }

    private static void repeat(int times, Runnable r) {
        for (int i = 0; i < times; i++) r.run();
    }

    /** Starts the tasks at once on their own threads and waits for all of them. */
    private static void runTogether(Runnable... tasks) throws Exception {
        CyclicBarrier start = new CyclicBarrier(tasks.length);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (Runnable task : tasks) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    task.run();
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) t.join();
        assertEquals(List.of(), failures);
    }
}
