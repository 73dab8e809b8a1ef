package io.cometbridge.samples.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The JVM-thread readings, on this test's own JVM: real /proc, real compiler and collector threads. */
class ProcStatsTest {

    @Test
    void aJvmsCompilerAndCollectorThreadsAreFoundAndGrow() {
        long pid = ProcessHandle.current().pid();
        ProcStats.JvmThreads before = ProcStats.jvmThreads(pid);
        assertThat(before.jitNanos()).isNotNegative();
        assertThat(before.gcNanos()).isNotNegative();
        List<byte[]> kept = new ArrayList<>();
        for (int round = 0; round < 20; round++) { // enough live data that the collector copies some
            for (int i = 0; i < 2_000; i++) kept.add(new byte[1024]);
            System.gc();
            if (kept.size() > 20_000) kept.subList(0, 10_000).clear();
        }
        ProcStats.JvmThreads after = ProcStats.jvmThreads(pid);
        assertThat(after.gcNanos()).isGreaterThanOrEqualTo(before.gcNanos());
        assertThat(before.gcMicrosUntil(after, 1)).isNotNaN().isNotNegative();
        assertThat(before.jitMicrosUntil(after, 1)).isNotNaN().isNotNegative();
    }

    @Test
    void aProcessWithoutCompilerThreadsIsUnknownNotZero() {
        ProcStats.JvmThreads none = ProcStats.jvmThreads(Long.MAX_VALUE); // no such process
        assertThat(none.jitMicrosUntil(none, 1)).isNaN();
        assertThat(none.gcMicrosUntil(none, 1)).isNaN();
    }

    @Test
    void collectorThreadsAreKnownByTheirNames() {
        assertThat(List.of("GC Thread#0", "G1 Conc#0", "G1 Refine#0", "G1 Main Marker", "G1 Service", "ZWorker#1"))
                .allMatch(ProcStats::isGcThread);
        assertThat(List.of("C2 CompilerThre", "qtp123-45", "bridge-http-3", "VM Thread", "main"))
                .noneMatch(ProcStats::isGcThread);
    }
}
