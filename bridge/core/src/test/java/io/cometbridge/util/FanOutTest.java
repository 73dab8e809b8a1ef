package io.cometbridge.util;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class FanOutTest {

    @Test
    void everyExecutorRunsEveryFanOutOnceInOrderOneAtATime() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            int executors = 200;
            int rounds = 500;
            List<SerialExecutor> serial = new ArrayList<>();
            List<List<Integer>> seen = new ArrayList<>(); // each touched only inside its executor
            List<AtomicInteger> running = new ArrayList<>();
            AtomicInteger overlaps = new AtomicInteger();
            for (int i = 0; i < executors; i++) {
                serial.add(new SerialExecutor(pool));
                seen.add(new ArrayList<>());
                running.add(new AtomicInteger());
            }
            CountDownLatch done = new CountDownLatch(executors * rounds);
            for (int r = 0; r < rounds; r++) {
                int round = r;
                FanOut fanOut = new FanOut(pool);
                for (int i = 0; i < executors; i++) {
                    int e = i;
                    fanOut.add(serial.get(e), () -> {
                        if (running.get(e).incrementAndGet() > 1) overlaps.incrementAndGet();
                        seen.get(e).add(round);
                        running.get(e).decrementAndGet();
                        done.countDown();
                    });
                }
                fanOut.finish();
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(overlaps.get()).isZero();
            for (List<Integer> s : seen) {
                assertThat(s).hasSize(rounds);
                for (int i = 0; i < rounds; i++) assertThat(s.get(i)).isEqualTo(i);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
