package io.cometbridge.server;

import io.cometbridge.api.TransportKind;
import io.cometbridge.session.SessionStats;
import io.cometbridge.session.TransportTotals;

import java.util.ArrayList;
import java.util.List;

/**
 * Not a test: a main that prints what one counted socket read or write costs in {@link WireMeter}
 * (the work {@link MeteredEndPoint} adds to every fill and flush). Run it from bridge/server after
 * {@code mvn -o test-compile}:
 * {@code java -cp target/classes:target/test-classes:<deps> io.cometbridge.server.WireMeterBench}.
 *
 * <p>Scenarios: one connection on one thread (the cost with no contention); one WebSocket whose
 * reads and writes run on two threads at once (the connection's own threads contend); several
 * connections on their own threads charging sessions that share the server totals.
 */
public final class WireMeterBench {
    private static final int OPS = 20_000_000;
    private static final int ROUNDS = 5;

    public static void main(String[] args) throws Exception {
        int ops = args.length > 0 ? Integer.parseInt(args[0]) : OPS;
        System.out.println("ns per counted read or write (best of " + ROUNDS + " rounds, " + ops + " ops per thread)");
        report("1 connection, 1 thread (fill+flush)", best(() -> oneThread(ops)));
        report("1 websocket, reader + writer threads", best(() -> readerAndWriter(ops)));
        report("2 connections, 2 threads", best(() -> connections(2, ops)));
        report("1 unbound websocket, reader + writer", best(() -> unboundWebSocket(ops)));
    }

    private interface Run {
        double nanosPerOp() throws Exception;
    }

    private static double best(Run run) throws Exception {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < ROUNDS; i++) best = Math.min(best, run.nanosPerOp());
        return best;
    }

    private static void report(String name, double nanos) {
        System.out.printf("%-42s %7.1f ns%n", name, nanos);
    }

    private static WireMeter bound(TransportTotals totals, TransportKind kind) {
        WireMeter meter = new WireMeter(totals);
        meter.upgrade();
        meter.chargeTo(new SessionStats("b", totals), kind);
        return meter;
    }

    private static double oneThread(int ops) {
        WireMeter meter = bound(new TransportTotals(), TransportKind.WEBSOCKET);
        long start = System.nanoTime();
        for (int i = 0; i < ops / 2; i++) {
            meter.filled(100);
            meter.flushed(100);
        }
        return (System.nanoTime() - start) / (double) ops;
    }

    private static double readerAndWriter(int ops) throws InterruptedException {
        WireMeter meter = bound(new TransportTotals(), TransportKind.WEBSOCKET);
        return parallel(List.of(() -> fill(meter, ops), () -> flush(meter, ops)), ops);
    }

    private static double unboundWebSocket(int ops) throws InterruptedException {
        WireMeter meter = new WireMeter(new TransportTotals());
        meter.upgrade();
        return parallel(List.of(() -> fill(meter, ops), () -> flush(meter, ops)), ops);
    }

    private static double connections(int n, int ops) throws InterruptedException {
        TransportTotals totals = new TransportTotals();
        List<Runnable> work = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            WireMeter meter = bound(totals, TransportKind.POLLING);
            work.add(() -> {
                for (int i = 0; i < ops / 2; i++) {
                    meter.filled(100);
                    meter.flushed(100);
                }
            });
        }
        return parallel(work, ops);
    }

    private static void fill(WireMeter meter, int ops) {
        for (int i = 0; i < ops; i++) meter.filled(100);
    }

    private static void flush(WireMeter meter, int ops) {
        for (int i = 0; i < ops; i++) meter.flushed(100);
    }

    /** Wall time of the threads running together, per op of one thread. */
    private static double parallel(List<Runnable> work, int ops) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (Runnable r : work) threads.add(new Thread(r));
        long start = System.nanoTime();
        for (Thread t : threads) t.start();
        for (Thread t : threads) t.join();
        return (System.nanoTime() - start) / (double) ops;
    }
}
