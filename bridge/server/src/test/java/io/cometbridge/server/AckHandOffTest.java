package io.cometbridge.server;

import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.Frame;
import io.cometbridge.transport.Transport;
import io.cometbridge.transport.TransportListener;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;

class AckHandOffTest {
    private final Transport socket = mock(Transport.class);
    private final TransportListener session = mock(TransportListener.class);
    /** What the session was handed, and the replies it has not given yet. */
    private final List<Long> handed = new ArrayList<>();
    private final List<TransportListener.Reply> unanswered = new ArrayList<>();
    private final List<BridgeException> failures = new ArrayList<>();

    AckHandOffTest() {
        doAnswer(call -> {
            List<Frame> frames = call.getArgument(1);
            assertThat(frames).hasSize(1);
            handed.add(((Frame.Ack) frames.get(0)).ack());
            unanswered.add(call.getArgument(2));
            return null;
        }).when(session).received(eq(socket), anyList(), any());
    }

    @Test
    void acknowledgementsReadWhileOneIsWithTheSessionAreMergedIntoTheHighest() {
        AckHandOff acks = new AckHandOff(socket, failures::add);
        acks.read(3, session);
        acks.read(7, session);
        acks.read(5, session); // a lower one read later changes nothing
        acks.read(9, session);
        assertThat(handed).containsExactly(3L);

        answer(0);
        assertThat(handed).containsExactly(3L, 9L);
        answer(1);
        acks.read(10, session);
        assertThat(handed).containsExactly(3L, 9L, 10L);
        assertThat(failures).isEmpty();
    }

    @Test
    void anAcknowledgementTheSessionRefusesEndsTheHandOver() {
        AckHandOff acks = new AckHandOff(socket, failures::add);
        acks.read(42, session);
        acks.read(43, session);
        BridgeException refused = new BridgeException(ErrorCode.BAD_SEQUENCE, "acknowledgement of a message never sent");
        unanswered.get(0).done(null, refused);

        assertThat(failures).containsExactly(refused);
        acks.read(44, session);
        assertThat(handed).containsExactly(42L); // the socket is ending: nothing more goes to the session
    }

    @Test
    void readersOnManyThreadsNeverHaveTwoWithTheSessionAndLoseNone() throws Exception {
        AtomicInteger withSession = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        AtomicLong highestTaken = new AtomicLong(-1);
        AtomicBoolean notRead = new AtomicBoolean();
        ExecutorService sessionThread = Executors.newSingleThreadExecutor(); // the session's executor
        TransportListener queued = mock(TransportListener.class);
        doAnswer(call -> {
            int now = withSession.incrementAndGet();
            mostAtOnce.accumulateAndGet(now, Math::max);
            long ack = ((Frame.Ack) ((List<Frame>) call.getArgument(1)).get(0)).ack();
            if (ack < 0) notRead.set(true);
            TransportListener.Reply reply = call.getArgument(2);
            sessionThread.execute(() -> {
                highestTaken.accumulateAndGet(ack, Math::max);
                withSession.decrementAndGet();
                reply.done(List.of(), null);
            });
            return null;
        }).when(queued).received(eq(socket), anyList(), any());
        AckHandOff acks = new AckHandOff(socket, failures::add);

        int threads = 4;
        int perThread = 20_000;
        ExecutorService readers = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            int first = t * perThread;
            readers.execute(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) acks.read(first + i, queued);
            });
        }
        start.countDown();
        readers.shutdown();
        assertThat(readers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        long highest = threads * perThread - 1L;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (highestTaken.get() != highest && System.nanoTime() < deadline) Thread.sleep(1);
        sessionThread.shutdown();

        assertThat(highestTaken.get()).as("the last one read reaches the session").isEqualTo(highest);
        assertThat(mostAtOnce.get()).as("acknowledgements with the session at once").isEqualTo(1);
        assertThat(notRead).as("an acknowledgement no reader read was handed over").isFalse();
        assertThat(failures).isEmpty();
    }

    private void answer(int i) {
        unanswered.get(i).done(List.of(), null);
    }
}
