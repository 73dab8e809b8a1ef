package io.cometbridge.samples.bench;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** One status line on stderr, rewritten every second while a run goes on. */
final class Progress implements AutoCloseable {
    private final PrintStream out;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-progress");
        t.setDaemon(true);
        return t;
    });
    private volatile String phase = "";
    private volatile Supplier<String> detail = () -> "";
    private final long start = System.nanoTime();
    private int lastWidth;
    private final boolean terminal = System.console() != null;
    private long lastLineNanos;

    Progress(PrintStream out) {
        this.out = out;
        timer.scheduleAtFixedRate(this::print, 1, 1, TimeUnit.SECONDS);
    }

    void phase(String phase, Supplier<String> detail) {
        this.phase = phase;
        this.detail = detail;
        print();
    }

    /** Ends the current line with a permanent message. */
    synchronized void done(String line) {
        if (terminal) out.print("\r" + " ".repeat(lastWidth) + "\r");
        out.println(line);
        lastWidth = 0;
    }

    private synchronized void print() {
        if (!terminal) { // a log file: a full line every 5 s instead of rewriting one
            if (System.nanoTime() - lastLineNanos < 5_000_000_000L) return;
            lastLineNanos = System.nanoTime();
        }
        String d;
        try {
            d = detail.get();
        } catch (RuntimeException e) {
            d = "";
        }
        long secs = (System.nanoTime() - start) / 1_000_000_000L;
        String line = String.format("[%02d:%02d] %s %s", secs / 60, secs % 60, phase, d);
        if (terminal) {
            out.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
            lastWidth = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
