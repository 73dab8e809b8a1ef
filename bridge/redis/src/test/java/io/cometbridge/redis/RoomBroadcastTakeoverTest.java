package io.cometbridge.redis;

import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.FrameCodec;
import io.cometbridge.protocol.Message;
import io.cometbridge.session.Bridge;
import io.cometbridge.session.BridgeConfig;
import io.cometbridge.testing.FakeTransport;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.RedisProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A member of a room keeps every broadcast while its session moves between nodes (two bridges on
 * one real redis-server, each with its own session log and room relay): broadcasts go on, from
 * both nodes, while the session is taken over back and forth, and its client sees each one once,
 * in the order sent.
 */
class RoomBroadcastTakeoverTest {
    private static final int BROADCASTS = 1_500;
    private static final int MOVES = 6;

    private RedisProcess redis;
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final Bridge[] nodes = new Bridge[2];

    @BeforeEach
    void start() throws Exception {
        assertTrue(RedisProcess.installed(), "redis-server is not installed (scripts/install-test-deps.sh)");
        redis = RedisProcess.start();
        BridgeConfig config = BridgeConfig.builder().build();
        for (int i = 0; i < 2; i++) {
            RedisSessionLog log = RedisSessionLog.forConfig(redis.uri(), config, null);
            nodes[i] = Bridge.builder(new RecordingApp(RecordingApp.Mode.RECORD)).config(config).log(log).build();
            RedisRoomRelay relay = RedisRoomRelay.attach(redis.uri(), nodes[i].rooms());
            closing.add(0, log);
            closing.add(0, relay);
            closing.add(0, nodes[i]);
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) c.close();
        if (redis != null) redis.close();
    }

    @Test
    void aMemberTakenOverWhileBroadcastsGoOnGetsEachOnceInOrder() throws Exception {
        FakeTransport t = FakeTransport.stream();
        nodes[0].attach(t, new Frame.Attach(null, null, 0, null, null), e -> { });
        Frame.Open open = (Frame.Open) FrameCodec.decode(await(t, 1).get(0));
        nodes[0].find(open.sid()).join("news");
        nodes[1].rooms().broadcast("news", Message.text("hello"), null); // from the other node: the room spans both
        List<String> received = new ArrayList<>();
        long last = readData(await(t, 2), 0, received);
        assertThat(received).containsExactly("hello");

        CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < BROADCASTS; i++) {
                nodes[i % 2].rooms().broadcast("news", Message.text("b" + i), null);
                if (i % 10 == 0) pause(2);
            }
        });
        String key = open.key();
        int moved = 0;
        for (int move = 1; move <= MOVES && !sending.isDone(); move++, moved++) {
            pause(40);
            List<String> seen = snapshot(t); // what the client read before it moved; later frames there are replayed by the new owner
            last = readData(seen, last, received);
            t = FakeTransport.stream();
            Frame.Open resumed = moveTo(nodes[move % 2], t, new Frame.Attach(open.sid(), key, last, null, null));
            assertThat(resumed.resumed()).as("move %d resumed the session", move).isTrue();
            key = resumed.key();
            last = readData(snapshot(t), last, received);
            t.fromClient("{\"t\":\"ack\",\"a\":" + last + "}");
        }
        sending.get(60, TimeUnit.SECONDS);
        assertThat(moved).as("moves while broadcasts went out").isPositive();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (received.size() < BROADCASTS + 1 && System.nanoTime() < deadline) {
            pause(20);
            last = readData(snapshot(t), last, received);
        }
        List<String> order = logOrder(); // the one order of all broadcasts: the log's
        assertThat(order).as("broadcasts in the log").hasSize(BROADCASTS + 1);
        List<String> missing = new ArrayList<>(order);
        missing.removeAll(received);
        assertThat(missing).as("broadcasts lost across %d moves", moved).isEmpty();
        assertThat(received).as("every broadcast once, in the log's order").containsExactlyElementsOf(order);
    }

    /**
     * Attaches {@code t} to {@code node}, again while it answers {@code transport_replaced} (a node
     * that held the session before hears that it moved, and lets its copy go), as a client does.
     */
    private static Frame.Open moveTo(Bridge node, FakeTransport t, Frame.Attach attach) {
        for (int attempt = 1; ; attempt++) {
            CompletableFuture<BridgeException> refused = new CompletableFuture<>();
            node.attach(t, attach, refused::complete);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (snapshot(t).isEmpty() && !refused.isDone() && System.nanoTime() < deadline) pause(5);
            if (!snapshot(t).isEmpty()) return (Frame.Open) FrameCodec.decode(snapshot(t).get(0));
            BridgeException why = refused.getNow(null);
            assertThat(why).as("attach %d answered", attempt).isNotNull();
            assertThat(why.code()).as("attach %d refused: %s, held there: %s", attempt, why.getMessage(), node.find(attach.sid())).isEqualTo(ErrorCode.TRANSPORT_REPLACED);
            assertThat(attempt).as("attaches").isLessThan(5);
        }
    }

    /** The broadcasts' payloads in the order of the room log. */
    private List<String> logOrder() {
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redis.uri());
        try (var c = client.connect()) {
            List<String> order = new ArrayList<>();
            for (var m : c.sync().xrange(RedisRoomRelay.LOG, io.lettuce.core.Range.create("-", "+"))) {
                if ("news".equals(m.getBody().get("r"))) order.add(m.getBody().get("p"));
            }
            return order;
        } finally {
            client.shutdown();
        }
    }

    /** The client's reading: data frames after {@code last} (earlier ones are replays it has), in order; returns the new last. */
    private static long readData(List<String> frames, long last, List<String> into) {
        for (String json : frames) {
            if (FrameCodec.decode(json) instanceof Frame.Data d && d.seq() > last) {
                assertThat(d.seq()).as("no gap in sequence numbers").isEqualTo(last + 1);
                into.add(d.message().text());
                last = d.seq();
            }
        }
        return last;
    }

    private static List<String> await(FakeTransport t, int frames) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> seen = snapshot(t);
        while (seen.size() < frames && System.nanoTime() < deadline) {
            pause(10);
            seen = snapshot(t);
        }
        assertThat(seen).as("frames sent").hasSizeGreaterThanOrEqualTo(frames);
        return seen;
    }

    /** The frames sent so far: written on the session's executor, so copied until a copy is whole. */
    private static List<String> snapshot(FakeTransport t) {
        while (true) {
            try {
                List<String> copy = new ArrayList<>(t.sent);
                if (!copy.contains(null)) return copy;
            } catch (RuntimeException racing) { // the list grew while copied
            }
            pause(1);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
