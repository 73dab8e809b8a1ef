package io.cometbridge.session;

import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.FrameCodec;
import io.cometbridge.protocol.Message;
import io.cometbridge.testing.FakeTransport;
import io.cometbridge.testing.ManualScheduler;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.util.FanOut;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A broadcast to a large room hands its sessions to the worker pool a chunk at a time, not one
 * pool task per session, and still keeps every session's order: broadcasts in the order they were
 * made, and a direct send made after a broadcast after it. The pool is a queue the test runs by
 * hand, so the hand-offs can be counted.
 */
class BroadcastFanOutTest {
    private final ArrayDeque<Runnable> pool = new ArrayDeque<>();
    private final Bridge bridge = Bridge.builder(new RecordingApp(RecordingApp.Mode.RECORD))
            .config(BridgeConfig.builder().newSessionBurst(1000).build()) // every fake client is 127.0.0.1
            .scheduler(new ManualScheduler()).workers(pool::add).build();

    @AfterEach
    void stop() {
        bridge.close();
    }

    private List<FakeTransport> openInRoom(int sessions) {
        List<FakeTransport> clients = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            FakeTransport t = FakeTransport.stream();
            bridge.attach(t, new Frame.Attach(null, 0), e -> { throw e; });
            Frame.Open open = (Frame.Open) FrameCodec.decode(t.take().get(0));
            bridge.find(open.sid()).join("room");
            clients.add(t);
        }
        return clients;
    }

    private void runPool() {
        for (Runnable task; (task = pool.poll()) != null; ) task.run();
    }

    @Test
    void aLargeRoomIsHandedToThePoolAChunkOfSessionsPerTask() {
        int sessions = 3 * FanOut.CHUNK + 1;
        List<FakeTransport> clients = openInRoom(sessions);
        runPool();

        assertThat(bridge.rooms().broadcast("room", Message.text("a"), null)).isEqualTo(sessions);
        assertThat(pool).hasSize(4); // 3 full chunks and 1 session: one pool task each, not one per session
        assertThat(clients.get(0).sent).isEmpty(); // nothing ran on the broadcasting thread

        runPool();
        for (FakeTransport c : clients) assertThat(c.take()).containsExactly("[1,\"a\"]");
    }

    @Test
    void everySessionKeepsTheOrderOfBroadcastsAndLaterDirectSends() {
        List<FakeTransport> clients = openInRoom(2 * FanOut.CHUNK);
        runPool();
        Session first = bridge.find(sidOf(clients.get(0)));

        bridge.rooms().broadcast("room", Message.text("a"), null);
        first.send(Message.text("direct")); // queued behind the broadcast, though the broadcast has not run yet
        bridge.rooms().broadcast("room", Message.text("b"), null);
        assertThat(pool).hasSize(2); // the second broadcast found every session already scheduled

        runPool();
        assertThat(clients.get(0).take()).containsExactly("[1,\"a\"]", "[2,\"direct\"]", "[3,\"b\"]");
        for (FakeTransport c : clients.subList(1, clients.size())) {
            assertThat(c.take()).containsExactly("[1,\"a\"]", "[2,\"b\"]");
        }
    }

    @Test
    void aSmallRoomIsServedOnTheBroadcastingThread() {
        List<FakeTransport> clients = openInRoom(RoomRegistry.OFFLOAD_FROM - 1);
        runPool();

        bridge.rooms().broadcast("room", Message.text("a"), null);
        assertThat(pool).isEmpty();
        for (FakeTransport c : clients) assertThat(c.take()).containsExactly("[1,\"a\"]");
    }

    private String sidOf(FakeTransport t) {
        return ((Session) t.listener).id();
    }

    @Test
    void sessionsWhoseWorkersFallBehindAreClosedRatherThanQueuedWithoutBound() {
        int max = 20;
        Bridge bounded = Bridge.builder(new RecordingApp(RecordingApp.Mode.RECORD))
                .config(BridgeConfig.builder().newSessionBurst(1000).maxQueuedMessages(max).build())
                .scheduler(new ManualScheduler()).workers(pool::add).build();
        try {
            List<FakeTransport> clients = new ArrayList<>();
            for (int i = 0; i < FanOut.CHUNK; i++) {
                FakeTransport t = FakeTransport.stream();
                bounded.attach(t, new Frame.Attach(null, 0), e -> { throw e; });
                bounded.find(((Frame.Open) FrameCodec.decode(t.take().get(0))).sid()).join("room");
                clients.add(t);
            }
            runPool();
            Session first = bounded.find(sidOf(clients.get(0)));
            for (int i = 0; i < 3 * max; i++) bounded.rooms().broadcast("room", Message.text("m" + i), null); // the workers never ran
            java.util.concurrent.CompletableFuture<Void> direct = first.send(Message.text("direct"));
            assertThat(direct).as("refused at once: the session's queue is full").isCompletedExceptionally();

            runPool();
            for (FakeTransport c : clients) {
                List<String> frames = c.take();
                assertThat(frames.size()).as("at most the bound, then the close").isLessThanOrEqualTo(max + 1);
                assertThat(frames.get(frames.size() - 1)).contains("\"code\":4002");
            }
        } finally {
            bounded.close();
        }
    }
}
