package io.cometbridge.channel;

import io.cometbridge.protocol.Message;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class ReplayBufferTest {
    private static final java.util.function.Consumer<Object> DONE = t -> ((CompletableFuture<?>) t).complete(null);

    @Test
    void sendsAcknowledgesAndRewinds() {
        ReplayBuffer<CompletableFuture<Void>> buf = new ReplayBuffer<>(100, 1 << 20);
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            acks.add(f);
            assertThat(buf.offer(Message.text("m" + i), f)).isTrue();
        }
        for (int i = 1; i <= 6; i++) assertThat(buf.takeUnsent()).isEqualTo(i);
        buf.acknowledge(3, DONE);
        assertThat(acks.subList(0, 3)).allMatch(CompletableFuture::isDone);
        assertThat(acks.get(3)).isNotDone();
        buf.rewindTo(3); // the peer lost 4..6
        assertThat(buf.takeUnsent()).isEqualTo(4);
        assertThat(buf.size()).isEqualTo(7);
        buf.acknowledge(10, DONE);
        assertThat(buf.hasUnsent()).isFalse();
        assertThat(buf.size()).isZero();
        assertThat(buf.bytes()).isZero();
    }

    @Test
    void boundedInMessagesAndBytes() {
        ReplayBuffer<Object> byCount = new ReplayBuffer<>(3, 1 << 20);
        for (int i = 0; i < 3; i++) assertThat(byCount.offer(Message.text("x"), null)).isTrue();
        assertThat(byCount.offer(Message.text("x"), null)).isFalse();

        ReplayBuffer<Object> byBytes = new ReplayBuffer<>(100, 10);
        assertThat(byBytes.offer(Message.text("12345678"), null)).isTrue();
        assertThat(byBytes.offer(Message.text("123"), null)).isFalse();
        byBytes.acknowledge(1, DONE);
        assertThat(byBytes.offer(Message.text("123"), null)).isTrue();
        // One message larger than the byte bound still fits into an empty buffer (it was accepted by size limits).
        assertThat(new ReplayBuffer<>(10, 4).offer(Message.text("123456"), null)).isTrue();
    }

    @Test
    void ringGrowsAndWrapsAround() {
        ReplayBuffer<CompletableFuture<Void>> buf = new ReplayBuffer<>(1000, 1 << 20);
        long acked = 0;
        for (int round = 0; round < 50; round++) {
            for (int i = 0; i < 7; i++) buf.offer(Message.text("r" + round + "i" + i), null);
            while (buf.hasUnsent()) buf.takeUnsent();
            acked += 5;
            buf.acknowledge(acked, DONE);
        }
        assertThat(buf.size()).isEqualTo(50 * 7 - (int) acked);
        buf.rewindTo(acked);
        assertThat(buf.peekUnsent().text()).isEqualTo("r35i5");
        assertThat(buf.takeUnsent()).isEqualTo(acked + 1);
    }

    @Test
    void failAllFailsEveryPendingFuture() {
        ReplayBuffer<CompletableFuture<Void>> buf = new ReplayBuffer<>(10, 100);
        CompletableFuture<Void> f = new CompletableFuture<>();
        buf.offer(Message.text("a"), f);
        buf.failAll(x -> x.completeExceptionally(new IllegalStateException()));
        assertThat(f).isCompletedExceptionally();
        assertThat(buf.size()).isZero();
    }

    @Test
    void tokensComeBackInOrderWhenOnlySomeMessagesCarryOne() {
        // Broadcasts carry no token; direct sends do. The tokens' ring appears with the first token,
        // then grows and wraps with the messages' ring.
        ReplayBuffer<String> buf = new ReplayBuffer<>(1000, 1 << 20);
        List<String> acked = new ArrayList<>();
        long seq = 0;
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < 9; i++) {
                seq++;
                buf.offer(Message.text("m" + seq), seq % 3 == 0 ? "t" + seq : null);
            }
            while (buf.hasUnsent()) buf.takeUnsent();
            buf.acknowledge(seq - 4, acked::add); // the last four stay, so the ring wraps
        }
        List<String> expected = new ArrayList<>();
        for (long s = 3; s <= seq - 4; s += 3) expected.add("t" + s);
        assertThat(acked).isEqualTo(expected);
        assertThat(buf.size()).isEqualTo(4);

        List<String> failed = new ArrayList<>();
        buf.failAll(failed::add);
        assertThat(failed).containsExactly("t" + (seq - 3), "t" + seq); // of the four left (177..180), 177 and 180 carried one
        assertThat(buf.size()).isZero();
        assertThat(buf.bytes()).isZero();
        assertThat(buf.hasUnsent()).isFalse();
    }

    @Test
    void aBurstLargerThanTheSteadyRingIsReleasedAndTheRingShrinks() {
        ReplayBuffer<String> buf = new ReplayBuffer<>(10_000, 1 << 24);
        for (int i = 1; i <= 5 * ReplayBuffer.STEADY; i++) buf.offer(Message.text("b" + i), i == 7 ? "seven" : null);
        List<String> acked = new ArrayList<>();
        buf.acknowledge(5L * ReplayBuffer.STEADY, acked::add);
        assertThat(acked).containsExactly("seven");
        assertThat(buf.size()).isZero();
        assertThat(buf.capacity()).isEqualTo(ReplayBuffer.STEADY);
        assertThat(buf.offer(Message.text("after"), "after")).isTrue();
        assertThat(buf.takeUnsent()).isEqualTo(5L * ReplayBuffer.STEADY + 1);
        buf.acknowledge(5L * ReplayBuffer.STEADY + 1, acked::add);
        assertThat(acked).containsExactly("seven", "after");
    }

    @Test
    void aRingEmptiedOnEveryPollKeepsItsSizeInsteadOfRegrowing() {
        ReplayBuffer<String> buf = new ReplayBuffer<>(10_000, 1 << 24);
        long seq = 0;
        for (int poll = 0; poll < 4; poll++) { // a poll's worth of messages, all acknowledged by the next poll
            int messages = poll == 0 ? 2 * ReplayBuffer.STEADY : ReplayBuffer.STEADY / 2; // one burst, then steady
            for (int i = 0; i < messages; i++) buf.offer(Message.text("m" + ++seq), null);
            buf.acknowledge(seq, t -> { });
            assertThat(buf.capacity()).as("after poll %d", poll).isEqualTo(ReplayBuffer.STEADY);
        }
    }
}
