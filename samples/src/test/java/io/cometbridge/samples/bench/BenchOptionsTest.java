package io.cometbridge.samples.bench;

import org.junit.jupiter.api.Test;
import io.cometbridge.samples.bench.load.Target;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The benchmark's time options take a unit like the server's (--duration 5s), and the quick idle window sees every keepalive. */
class BenchOptionsTest {

    private static Bench.Settings parse(String... args) {
        Bench bench = new Bench();
        new CommandLine(bench).parseArgs(args);
        return bench.settings();
    }

    @Test
    void timesTakeSecondsOrAUnit() {
        assertThat(parse("--duration", "5s").durationSeconds).isEqualTo(5.0);
        assertThat(parse("-d", "7").durationSeconds).isEqualTo(7.0);
        assertThat(parse("--warmup", "500ms").warmupSeconds).isEqualTo(0.5);
        assertThat(parse("--idle-seconds", "1m").idleSeconds).isEqualTo(60.0);
        assertThat(parse("--drain", "2.5").drainSeconds).isEqualTo(2.5);
        assertThatThrownBy(() -> parse("--duration", "5 parsecs")).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("is not a time");
    }

    @Test
    void theIdleWindowOfEveryRunOutlastsTheLongestPollHoldAndHeartbeat() {
        assertThat(parse().idleSeconds).isGreaterThan(Bench.LONGEST_QUIET_SECONDS);
        assertThat(parse("--quick").idleSeconds).isGreaterThan(Bench.LONGEST_QUIET_SECONDS);
    }

    @Test
    void theOrderOfTheSystemsChangesFromRepeatToRepeat() {
        java.util.List<Target> two = parse("--systems", "bridge,socketio", "--transports", "websocket").targets;
        assertThat(two).hasSize(2);
        int sameFirstInAllFive = 0;
        int runs = 1000;
        java.util.Random clock = new java.util.Random(42);
        for (int run = 0; run < runs; run++) {
            long seed = 1_733_380_000_000L + clock.nextInt(1_000_000_000); // seeds as the clock gives them
            java.util.Set<Target> firsts = new java.util.HashSet<>();
            for (int r = 1; r <= 5; r++) firsts.add(Bench.runOrder(two, seed, "connect", r).get(0));
            if (firsts.size() == 1) sameFirstInAllFive++;
        }
        // A fair shuffle puts one system first in all five repeats of 2 runs in 32 (about 62 in 1,000).
        assertThat(sameFirstInAllFive).isBetween(30, 100);
        assertThat(Bench.runOrder(two, 7, "echo", 3)).isEqualTo(Bench.runOrder(two, 7, "echo", 3)); // a seed repeats a run's order
    }

    @Test
    void aRunNeedingMoreSocketsThanTheFileLimitIsRefusedBeforeItStarts() {
        assertThat(Bench.fileDescriptorShortfall(parse(), 20_000)).isNull(); // the full run fits this machine's 20,000
        assertThat(Bench.fileDescriptorShortfall(parse("--connects", "20000"), 20_000))
                .contains("at least 21500 sockets").contains("ulimit -n");
        assertThat(Bench.fileDescriptorShortfall(parse("--workloads", "idle", "--idle-sessions", "19500"), 20_000)).isNotNull();
    }
}
