package io.cometbridge.redis;

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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A session away longer than the room log's cap covers (docs/SCALE_OUT.md, "Rooms"): the node
 * that takes it over finds the log trimmed past the session's position, counts the gap, and still
 * hands it the broadcasts that are left, in order.
 */
class RoomLogTrimmedTest {
    private static final int CAP = 50; // about: MAXLEN ~ trims whole stream nodes (100 entries each by default)

    private RedisProcess redis;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        assertTrue(RedisProcess.installed(), "redis-server is not installed (scripts/install-test-deps.sh)");
        redis = RedisProcess.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) c.close();
        if (redis != null) redis.close();
    }

    @Test
    void aTakeoverAfterTheLogWasTrimmedPastTheSessionCountsTheGapAndHandsOutWhatIsLeft() throws Exception {
        BridgeConfig config = BridgeConfig.builder().build();
        Bridge a = node(config), b = node(config);
        RedisRoomRelay relayA = RedisRoomRelay.attach(redis.uri(), a.rooms(), CAP);
        RedisRoomRelay relayB = RedisRoomRelay.attach(redis.uri(), b.rooms(), CAP);
        closing.add(0, relayB);

        FakeTransport t = FakeTransport.stream();
        a.attach(t, new Frame.Attach(null, null, 0, null, null), e -> { });
        Frame.Open open = (Frame.Open) FrameCodec.decode(await(t, 1).get(0));
        a.find(open.sid()).join("news");
        b.rooms().broadcast("news", Message.text("hello"), null);
        assertThat(data(await(t, 2))).containsExactly("hello");

        relayA.close(); // node A hears no more broadcasts: its member is away from here on
        for (int i = 0; i < 1_000; i++) b.rooms().broadcast("other", Message.text("o" + i), null);
        b.rooms().broadcast("news", Message.text("late"), null);

        FakeTransport moved = FakeTransport.stream();
        b.attach(moved, new Frame.Attach(open.sid(), open.key(), 1, null, null), e -> { });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (data(snapshot(moved)).isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(data(snapshot(moved))).as("what is left of the log after the gap").containsExactly("late");
        assertThat(relayB.gaps()).as("the gap, counted (and logged)").isEqualTo(1);
    }

    private Bridge node(BridgeConfig config) {
        RedisSessionLog log = RedisSessionLog.forConfig(redis.uri(), config, null);
        Bridge bridge = Bridge.builder(new RecordingApp(RecordingApp.Mode.RECORD)).config(config).log(log).build();
        closing.add(0, log);
        closing.add(0, bridge);
        return bridge;
    }

    private static List<String> data(List<String> frames) {
        List<String> texts = new ArrayList<>();
        for (String json : frames) if (FrameCodec.decode(json) instanceof Frame.Data d) texts.add(d.message().text());
        return texts;
    }

    private static List<String> await(FakeTransport t, int frames) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (snapshot(t).size() < frames && System.nanoTime() < deadline) Thread.sleep(10);
        List<String> seen = snapshot(t);
        assertThat(seen).as("frames sent").hasSizeGreaterThanOrEqualTo(frames);
        return seen;
    }

    /** The frames sent so far: written on the session's executor, so copied until a copy is whole. */
    private static List<String> snapshot(FakeTransport t) throws InterruptedException {
        while (true) {
            try {
                List<String> copy = new ArrayList<>(t.sent);
                if (!copy.contains(null)) return copy;
            } catch (RuntimeException racing) { // the list grew while copied
            }
            Thread.sleep(1);
        }
    }
}
