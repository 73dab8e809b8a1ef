package io.cometbridge.redis;

import io.cometbridge.protocol.Message;
import io.cometbridge.session.SessionLog;
import io.cometbridge.session.SessionLog.Commit;
import io.cometbridge.session.SessionLog.Entry;
import io.cometbridge.session.SessionLog.Outcome;
import io.cometbridge.testing.RedisProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Redis session log against a real redis-server: commits, takeovers, fencing, lost data. */
class RedisSessionLogTest {
    private static RedisProcess redis;
    private static RedisSessionLog log;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisProcess.start();
        log = new RedisSessionLog(redis.uri(), Duration.ofMinutes(1), 100, "http://node-a:1");
    }

    @AfterAll
    static void stop() throws Exception {
        if (log != null) log.close();
        if (redis != null) redis.close();
    }

    private static Outcome commit(String sid, long generation, Commit c) throws Exception {
        return log.commit(sid, generation, c).toCompletableFuture().get();
    }

    private static SessionLog.Restored takeOver(String sid) throws Exception {
        return log.takeOver(sid, "k", null).toCompletableFuture().get();
    }

    @Test
    void aTakeoverContinuesFromWhatWasCommittedAndFencesTheFormerOwner() throws Exception {
        String sid = "s1";
        Message binary = Message.binary(new byte[]{0, 1, (byte) 255});
        assertThat(commit(sid, 0, new Commit(List.of(), List.of(), 0, 0, List.of("k1"), List.of()))).isEqualTo(Outcome.STORED);
        assertThat(commit(sid, 1, new Commit(
                List.of(new Entry(1, Message.text("a")), new Entry(2, binary), new Entry(3, Message.text("c").withTopic("room/1"))),
                List.of(new Entry(1, Message.text("in1"))), 1, 1, List.of("k1", "k2"), List.of("room/1", "a b")))).isEqualTo(Outcome.STORED);

        assertThat(log.takeOver(sid, "k3", null).toCompletableFuture().get()).as("a key it never gave out").isNull();
        assertThat(log.takeOver(sid, "", null).toCompletableFuture().get()).as("no key").isNull();
        SessionLog.Restored r = log.takeOver(sid, "k2", null).toCompletableFuture().get();

        assertThat(r.generation()).isEqualTo(2);
        assertThat(r.received()).isEqualTo(1);
        assertThat(r.acknowledged()).isEqualTo(1);
        assertThat(r.keys()).containsExactly("k1", "k2");
        assertThat(r.rooms()).containsExactly("room/1", "a b");
        assertThat(r.outbound()).extracting(Entry::seq).containsExactly(2L, 3L);
        assertThat(r.outbound().get(0).message()).isEqualTo(binary);
        assertThat(r.outbound().get(1).message().topic()).isEqualTo("room/1");
        assertThat(commit(sid, 1, new Commit(List.of(), List.of(), 1, 1, List.of(), List.of()))).isEqualTo(Outcome.TAKEN_OVER);
        assertThat(log.touch(sid, 1).toCompletableFuture().get()).isEqualTo(Outcome.TAKEN_OVER);
        assertThat(log.touch(sid, 2).toCompletableFuture().get()).isEqualTo(Outcome.STORED);
    }

    @Test
    void theCreatingCommitStoresThePrincipalAndLaterCommitsKeepIt() throws Exception {
        SessionLog.StoredPrincipal alice = new SessionLog.StoredPrincipal("alice \"a\"\n", Map.of("tenant", "t {1}", "empty", ""));
        commit("s7", 0, new Commit(List.of(), List.of(), 0, 0, List.of("k"), List.of(), alice));
        commit("s7", 1, new Commit(List.of(), List.of(), 0, 0, List.of("k"), List.of(), null));

        assertThat(takeOver("s7").principal()).isEqualTo(alice);
        commit("s8", 0, new Commit(List.of(), List.of(), 0, 0, List.of("k"), List.of()));
        assertThat(takeOver("s8").principal()).as("opened without an authenticator").isNull();
    }

    @Test
    void requestsForASessionGoToTheNodeThatCreatedOrLastTookItOver() throws Exception {
        try (RedisSessionLog b = new RedisSessionLog(redis.uri(), Duration.ofMinutes(1), 100, "http://node-b:2")) {
            commit("s6", 0, new Commit(List.of(), List.of(), 0, 0, List.of("k"), List.of()));
            assertThat(b.ownerOf("s6").toCompletableFuture().get()).isEqualTo("http://node-a:1");
            assertThat(log.ownerOf("s6").toCompletableFuture().get()).as("not to itself").isNull();

            b.takeOver("s6", "k", null).toCompletableFuture().get();

            assertThat(log.ownerOf("s6").toCompletableFuture().get()).isEqualTo("http://node-b:2");
            assertThat(log.ownerOf("nobody").toCompletableFuture().get()).isNull();
        }
    }

    @Test
    void aCommitThatWouldLeaveAHoleInTheOutboundLogIsRefusedWhole() throws Exception {
        String sid = "s2";
        commit(sid, 0, new Commit(List.of(new Entry(1, Message.text("a"))), List.of(), 0, 0, List.of("k"), List.of()));

        assertThat(commit(sid, 1, new Commit(List.of(new Entry(3, Message.text("c"))), List.of(), 0, 0, List.of("k"), List.of())))
                .isEqualTo(Outcome.GONE);
        assertThat(takeOver(sid).outbound()).extracting(Entry::seq).containsExactly(1L);
    }

    @Test
    void creatingASessionTwiceAndTakingOverOneThatDoesNotExistFail() throws Exception {
        commit("s3", 0, new Commit(List.of(), List.of(), 0, 0, List.of("k"), List.of()));

        assertThat(commit("s3", 0, new Commit(List.of(), List.of(), 0, 0, List.of("k"), List.of()))).isEqualTo(Outcome.GONE);
        assertThat(takeOver("nobody")).isNull();
    }

    @Test
    void acknowledgedMessagesAreTrimmedAndAClosedSessionIsForgotten() throws Exception {
        String sid = "s4";
        commit(sid, 0, new Commit(List.of(new Entry(1, Message.text("a")), new Entry(2, Message.text("b"))), List.of(), 0, 0, List.of("k"), List.of()));
        commit(sid, 1, new Commit(List.of(), List.of(), 0, 2, List.of("k"), List.of()));

        assertThat(takeOver(sid).outbound()).isEmpty();
        log.delete(sid);
        assertThat(takeOver(sid)).isNull();
    }

    @Test
    void afterRedisLostItsDataEveryCommitAndTouchSaysTheSessionIsGone() throws Exception {
        RedisProcess other = RedisProcess.start();
        try (RedisSessionLog own = new RedisSessionLog(other.uri(), Duration.ofMinutes(1), 100, null)) {
            own.commit("s5", 0, new Commit(List.of(), List.of(), 0, 0, List.of("k"), List.of())).toCompletableFuture().get();
            other.restart();
            Thread.sleep(200); // Lettuce reconnects on its own
            Outcome touched = null;
            for (int i = 0; i < 50 && touched == null; i++) {
                try {
                    touched = own.touch("s5", 1).toCompletableFuture().get();
                } catch (Exception reconnecting) {
                    Thread.sleep(100);
                }
            }
            assertThat(touched).isEqualTo(Outcome.GONE);
            assertThat(own.commit("s5", 1, new Commit(List.of(), List.of(), 0, 0, List.of("k"), List.of())).toCompletableFuture().get())
                    .isEqualTo(Outcome.GONE);
        } finally {
            other.close();
        }
    }
}
