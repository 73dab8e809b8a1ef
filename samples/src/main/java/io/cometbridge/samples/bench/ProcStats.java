package io.cometbridge.samples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and resident memory of any process, read from {@code /proc/<pid>/stat} and
 * {@code /proc/<pid>/status}: the same method for the three servers (two JVMs and a Node process)
 * and for the load generator itself.
 */
public record ProcStats(long nanos, long cpuNanos, long rssBytes) {
    private static final long TICK_NANOS = 1_000_000_000L / clockTicks();

    public static ProcStats of(long pid) {
        long now = System.nanoTime();
        try {
            return new ProcStats(now, cpuNanosOf(Files.readString(Path.of("/proc", String.valueOf(pid), "stat"))), rss(pid));
        } catch (IOException | RuntimeException e) {
            return new ProcStats(now, -1, -1);
        }
    }

    /** Several processes as one (the nodes of a bridge): CPU and RSS summed; -1 when one cannot be read. */
    public static ProcStats sum(long... pids) {
        long now = System.nanoTime(), cpu = 0, rss = 0;
        for (long pid : pids) {
            ProcStats p = of(pid);
            if (p.cpuNanos < 0 || cpu < 0) cpu = -1;
            else cpu += p.cpuNanos;
            rss = p.rssBytes < 0 || rss < 0 ? -1 : rss + p.rssBytes;
        }
        return new ProcStats(now, cpu, rss);
    }

    /**
     * Like {@link #sum}, once the RSS has stopped falling after a full GC: a JVM hands the heap a
     * GC shrank back to the system in the background (G1 uncommits concurrently), so a reading
     * taken at once may still count memory on its way out, more or less of it with the machine's
     * load. Read every 0.5 s until it falls by less than 1 MiB, for at most 10 s; every system alike.
     */
    public static ProcStats settled(long... pids) throws InterruptedException {
        ProcStats last = sum(pids);
        for (int i = 0; i < 20; i++) {
            Thread.sleep(500);
            ProcStats now = sum(pids);
            if (now.rssBytes < 0 || now.rssBytes > last.rssBytes - (1 << 20)) return now;
            last = now;
        }
        return last;
    }

    /** CPU a JVM's own threads took, in ns: its JIT compilers and its garbage collector (-1: unknown). */
    public record JvmThreads(long jitNanos, long gcNanos) {
        static final JvmThreads UNKNOWN = new JvmThreads(-1, -1);

        /** The JIT's CPU from this reading to a later one, in µs per {@code units}; NaN when either is unknown. */
        double jitMicrosUntil(JvmThreads later, double units) {
            return microsPer(jitNanos, later.jitNanos, units);
        }

        /** The collector's CPU from this reading to a later one, in µs per {@code units}; NaN when either is unknown. */
        double gcMicrosUntil(JvmThreads later, double units) {
            return microsPer(gcNanos, later.gcNanos, units);
        }

        private static double microsPer(long fromNanos, long toNanos, double units) {
            return fromNanos < 0 || toNanos < 0 ? Double.NaN : (toNanos - fromNanos) / 1000.0 / units;
        }
    }

    private static final String[] GC_THREADS = {"GC Thread", "G1 ", "ZWorker", "ZDriver", "ZDirector", "Shenandoah"};

    /**
     * CPU time of a JVM's own threads, read from /proc/<pid>/task: its JIT compilers (HotSpot's
     * "C1 CompilerThread" and "C2 CompilerThread") and its garbage collector (G1's "GC Thread#",
     * "G1 Conc#", "G1 Refine#", "G1 Main Marker", "G1 Service"; ZGC's and Shenandoah's workers
     * alike): how much of a Java server's CPU went to compiling and collecting rather than to the
     * work itself. Both -1 when no compiler thread is found (a Node process) or a process cannot
     * be read. A thread that ended meanwhile takes its time with it.
     */
    public static JvmThreads jvmThreads(long... pids) {
        long jit = 0, gc = 0;
        boolean found = false;
        for (long pid : pids) {
            try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    String stat;
                    try {
                        stat = Files.readString(task.resolve("stat"));
                    } catch (IOException gone) { // the thread ended as it was listed
                        continue;
                    }
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                        jit += cpuNanosOf(stat);
                        found = true;
                    } else if (isGcThread(name)) {
                        gc += cpuNanosOf(stat);
                    }
                }
            } catch (IOException | RuntimeException e) {
                return JvmThreads.UNKNOWN;
            }
        }
        return found ? new JvmThreads(jit, gc) : JvmThreads.UNKNOWN;
    }

    static boolean isGcThread(String name) {
        for (String prefix : GC_THREADS) {
            if (name.startsWith(prefix)) return true;
        }
        return false;
    }

    /** utime + stime (fields 14 and 15) of a process's or thread's stat line, in ns. */
    private static long cpuNanosOf(String stat) {
        // The command name (field 2) is in parentheses and may hold spaces: split after it.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_NANOS;
    }

    public static ProcStats self() {
        return of(ProcessHandle.current().pid());
    }

    private static long rss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
        }
        return -1;
    }

    /** CPU used between this sample and a later one, in % of one core; NaN when either could not be read. */
    public double cpuPercentUntil(ProcStats later) {
        return cpuNanosUntil(later) * 100.0 / Math.max(1, later.nanos - nanos);
    }

    /**
     * CPU used between this sample and a later one, in ns; NaN when either could not be read (a
     * load generator out of file descriptors cannot open /proc): shown as "-", never as a
     * negative figure.
     */
    public double cpuNanosUntil(ProcStats later) {
        return cpuNanos < 0 || later.cpuNanos < 0 ? Double.NaN : later.cpuNanos - cpuNanos;
    }

    public double secondsUntil(ProcStats later) {
        return (later.nanos - nanos) / 1e9;
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return Long.parseLong(out);
        } catch (Exception e) {
            return 100; // Linux's USER_HZ almost everywhere
        }
    }
}
