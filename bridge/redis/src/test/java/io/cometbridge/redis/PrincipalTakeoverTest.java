package io.cometbridge.redis;

import io.cometbridge.api.AuthResult;
import io.cometbridge.api.Authenticator;
import io.cometbridge.api.BridgeSession;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.FrameCodec;
import io.cometbridge.session.Bridge;
import io.cometbridge.session.BridgeConfig;
import io.cometbridge.testing.FakeTransport;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.RedisProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With shared sessions and an authenticator, the session's principal travels with it: a node that
 * takes a session over (a second bridge on the same real redis-server) accepts a resume by the
 * principal the session opened as, and refuses anyone else with {@code principal_changed}.
 */
class PrincipalTakeoverTest {
    /** Accepts the token as the principal's name, with a string attribute and one that is not. */
    private static final Authenticator BY_TOKEN = Authenticator.of(request ->
            AuthResult.accept(request.token(), Map.of("tenant", "t-" + request.token(), "roles", List.of("admin"))));

    private RedisProcess redis;
    private RedisSessionLog logA, logB;
    private Bridge nodeA, nodeB;
    private final RecordingApp appB = new RecordingApp(RecordingApp.Mode.RECORD);

    @BeforeEach
    void start() throws Exception {
        assertTrue(RedisProcess.installed(), "redis-server is not installed (scripts/install-test-deps.sh)");
        redis = RedisProcess.start();
        BridgeConfig config = BridgeConfig.builder().build();
        logA = RedisSessionLog.forConfig(redis.uri(), config, null);
        logB = RedisSessionLog.forConfig(redis.uri(), config, null);
        nodeA = Bridge.builder(new RecordingApp(RecordingApp.Mode.RECORD)).config(config).log(logA).authenticator(BY_TOKEN).build();
        nodeB = Bridge.builder(appB).config(config).log(logB).authenticator(BY_TOKEN).build();
    }

    @AfterEach
    void stop() throws Exception {
        if (nodeA != null) nodeA.close();
        if (nodeB != null) nodeB.close();
        if (logA != null) logA.close();
        if (logB != null) logB.close();
        if (redis != null) redis.close();
    }

    @Test
    void aSessionTakenOverByAnotherNodeKeepsItsPrincipal() throws Exception {
        FakeTransport first = FakeTransport.stream();
        assertThat(attach(nodeA, first, new Frame.Attach(null, null, 0, null, "alice"))).isNull();
        Frame.Open opened = openFrame(first); // sent once the creating commit is stored
        assertThat(opened.resumed()).isFalse();

        FakeTransport stranger = FakeTransport.stream();
        BridgeException refused = attach(nodeB, stranger, new Frame.Attach(opened.sid(), opened.key(), 0, null, "mallory"));
        assertThat(refused).as("another principal, with the session's id and key").isNotNull();
        assertThat(refused.code()).isEqualTo(ErrorCode.PRINCIPAL_CHANGED);
        assertThat(nodeB.find(opened.sid())).as("refused before the session moved: node B did not take it").isNull();
        assertThat(nodeA.find(opened.sid())).isNotNull();

        FakeTransport moved = FakeTransport.stream();
        assertThat(attach(nodeB, moved, new Frame.Attach(opened.sid(), opened.key(), 0, null, "alice"))).isNull();
        assertThat(openFrame(moved).resumed()).isTrue();
        BridgeSession onB = nodeB.find(opened.sid());
        assertThat(onB.principal().getName()).isEqualTo("alice");
        assertThat(onB.attributes()).as("string attributes travel, others do not")
                .containsEntry("tenant", "t-alice").doesNotContainKey("roles");
    }

    /** Attaches and waits for the outcome: null once the open frame went out, else the refusal. */
    private static BridgeException attach(Bridge node, FakeTransport t, Frame.Attach attach) throws Exception {
        CompletableFuture<BridgeException> outcome = new CompletableFuture<>();
        node.attach(t, attach, outcome::complete);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!outcome.isDone() && sentCount(t) == 0 && System.nanoTime() < deadline) Thread.sleep(10);
        return outcome.isDone() ? outcome.get() : null;
    }

    private static int sentCount(FakeTransport t) {
        return t.sent.size(); // written on the session's executor: polled until it shows
    }

    private static Frame.Open openFrame(FakeTransport t) {
        assertThat(sentCount(t)).as("an open frame").isPositive();
        return (Frame.Open) FrameCodec.decode(t.sent.get(0));
    }
}
