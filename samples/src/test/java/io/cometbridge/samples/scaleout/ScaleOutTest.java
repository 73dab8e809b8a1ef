package io.cometbridge.samples.scaleout;

import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.testing.ClientLog;
import io.cometbridge.testing.RedisProcess;
import io.cometbridge.protocol.Message;
import io.cometbridge.redis.RedisRoomRelay;
import io.cometbridge.session.Bridge;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several nodes on Redis (docs/SCALE_OUT.md), all real: three bridge JVMs sharing a redis-server
 * behind a round-robin nginx, Java clients over WebSocket and long-polling, each sending numbered messages that
 * the echo application returns. Nodes are killed (-9) and restarted while the messages flow;
 * every client must get every echo exactly once and in order, on the session it began with.
 */
class ScaleOutTest {
    // The chaos test at the size (200 sessions x 2,500 messages each way) in CI; other sizes
    // through these properties (scripts/chaos.sh --cluster, SESSIONS and MESSAGES).
    private static final int CHAOS_CLIENTS = Integer.getInteger("scaleout.clients", 200);
    private static final int CHAOS_MESSAGES = Integer.getInteger("scaleout.messages", 2_500);
    private static final int RESTART_CLIENTS = 20;
    private static final int ROOM_BROADCASTS = 400; // sent while a node dies: about two seconds
    private static final int RESTART_MESSAGES = 300;
    private static final int KILLS = 4; // at least; more while the messages still flow
    private static final int WINDOW = 1_000; // messages a client may send ahead of its echoes (its replay buffer is bounded)

    /** Something done to the cluster while messages flow ({@code streaming} until all are sent); returns a line for the figures. */
    interface Disruption {
        String run(Cluster cluster, List<BridgeClient> clients, Random random, BooleanSupplier streaming) throws Exception;
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void killedNodesLoseNothingAndDuplicateNothing() throws Exception {
        run("kill -9", CHAOS_CLIENTS, CHAOS_MESSAGES, (cluster, clients, random, streaming) -> {
            int switches = 0, k = 0;
            for (; k < KILLS || streaming.getAsBoolean(); k++) {
                Thread.sleep(400 + random.nextInt(400));
                int victim = random.nextInt(cluster.size());
                cluster.kill(victim);
                for (int i = 0; i < 3; i++, switches++) { // and some clients change transport meanwhile
                    BridgeClient c = clients.get(random.nextInt(clients.size()));
                    TransportKind now = c.transport();
                    c.switchTo(now == TransportKind.POLLING ? TransportKind.WEBSOCKET : TransportKind.POLLING);
                }
                Thread.sleep(300);
                cluster.restart(victim);
            }
            return k + " node kills (-9) and " + switches + " transport switches";
        });
    }

    @Test
    void aRollingRestartWithDrainLosesNothing() throws Exception {
        run("rolling restart", RESTART_CLIENTS, RESTART_MESSAGES, (cluster, clients, random, streaming) -> {
            List<Long> drains = new ArrayList<>();
            for (int i = 0; i < cluster.size(); i++) {
                Thread.sleep(300);
                drains.add(cluster.stop(i));
                cluster.restart(i);
            }
            return "rolling restart of " + cluster.size() + " nodes (SIGTERM, drain), drain times " + drains + " ms";
        });
    }

    private void run(String name, int clientCount, int messageCount, Disruption disruption) throws Exception {
        assertTrue(RedisProcess.installed(), "redis-server is not installed (scripts/install-test-deps.sh)");
        assertTrue(java.nio.file.Files.isExecutable(java.nio.file.Path.of(Cluster.NGINX)), "nginx is not installed (scripts/install-test-deps.sh)");
        try (Cluster cluster = Cluster.start(3)) {
            List<BridgeClient> clients = new ArrayList<>();
            List<ClientLog> logs = new ArrayList<>();
            List<String> sessions = new ArrayList<>();
            try {
                for (int c = 0; c < clientCount; c++) {
                    ClientLog log = new ClientLog();
                    // half of them long-polling (through the round-robin: most requests reach a node that forwards them)
                    TransportKind[] order = c % 2 == 0 ? new TransportKind[]{TransportKind.WEBSOCKET, TransportKind.POLLING}
                            : new TransportKind[]{TransportKind.POLLING, TransportKind.WEBSOCKET};
                    BridgeClient client = BridgeClient.builder(cluster.uri()).transports(order).listener(log).build();
                    client.connect().get();
                    clients.add(client);
                    logs.add(log);
                    sessions.add(client.sessionId());
                }
                AtomicBoolean streaming = new AtomicBoolean(true);
                List<String> failedSends = new java.util.concurrent.CopyOnWriteArrayList<>();
                java.util.concurrent.CompletableFuture<String> chaos = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return disruption.run(cluster, clients, new Random(11), streaming::get);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                for (int n = 0; n < messageCount; n++) {
                    int sent = n;
                    await().atMost(Duration.ofSeconds(120)).until(() -> logs.stream().allMatch(l -> l.messages.size() > sent - WINDOW));
                    for (int c = 0; c < clientCount; c++) {
                        String text = "c" + c + "-" + n;
                        clients.get(c).send(text).whenComplete((ok, e) -> {
                            if (e != null) failedSends.add(text + ": " + e);
                        });
                    }
                    Thread.sleep(20); // spread over several seconds, so that the kills land mid-stream
                    if (n % 500 == 499) System.out.printf("ScaleOutTest %s: %d of %d rounds sent%n", name, n + 1, messageCount);
                }
                streaming.set(false);
                String what = chaos.get();
                try {
                    await().atMost(Duration.ofSeconds(Math.max(90, (long) clientCount * messageCount / 2_000)))
                            .until(() -> logs.stream().allMatch(l -> l.messages.size() >= messageCount));
                } catch (RuntimeException e) {
                    throw new AssertionError("echoes missing: " + missing(logs, clients, messageCount) + "; sends failed: " + failedSends + "\n" + cluster.diagnostics(), e);
                }
                Thread.sleep(500); // a duplicate would come in now
                assertThat(failedSends).as("sends that failed").isEmpty();
                long lost = 0, duplicated = 0;
                for (int c = 0; c < clientCount; c++) {
                    List<String> got = logs.get(c).texts();
                    List<String> expected = new ArrayList<>();
                    for (int n = 0; n < messageCount; n++) expected.add("c" + c + "-" + n);
                    lost += expected.stream().filter(m -> !got.contains(m)).count();
                    duplicated += got.size() - got.stream().distinct().count();
                    assertThat(got).as("client " + c + " echoes, in order").isEqualTo(expected);
                    assertThat(clients.get(c).sessionId()).as("client " + c + " kept its session").isEqualTo(sessions.get(c));
                    assertThat(logs.get(c).sessionsLost).isEmpty();
                }
                long resumes = takeovers(cluster, sessions);
                System.out.printf("ScaleOutTest %s: %d clients x %d messages each way, %s, %d takeovers by another node: lost %d, duplicated %d%n",
                        name, clientCount, messageCount, what, resumes, lost, duplicated);
                assertThat(resumes).as("sessions moved to another node").isGreaterThan(0);
            } finally {
                clients.forEach(BridgeClient::close);
            }
        }
    }

    @Test
    void roomBroadcastsReachMembersOnEveryNodeAndFollowSessionsTakenOver() throws Exception {
        assertTrue(RedisProcess.installed(), "redis-server is not installed (scripts/install-test-deps.sh)");
        try (Cluster cluster = Cluster.start(3)) {
            List<BridgeClient> clients = new ArrayList<>();
            List<ClientLog> logs = new ArrayList<>();
            try {
                for (int c = 0; c < 6; c++) { // round-robin: members on every node
                    ClientLog log = new ClientLog();
                    TransportKind kind = c % 2 == 0 ? TransportKind.WEBSOCKET : TransportKind.POLLING;
                    BridgeClient client = BridgeClient.builder(cluster.uri()).transports(kind).listener(log).build();
                    client.connect().get();
                    client.send("j");
                    clients.add(client);
                    logs.add(log);
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> logs.stream().allMatch(l -> l.texts().contains("j")));
                clients.get(0).send("b:before");
                await().atMost(Duration.ofSeconds(30)).until(() -> logs.stream().allMatch(l -> l.texts().contains("b:before")));

                // Broadcasts go on, from a fourth node that stays up, while node 1 is killed and its members move.
                Bridge sender = Bridge.builder(new ScaleOutApp()).build();
                RedisRoomRelay senderRelay = RedisRoomRelay.attach(cluster.redis.uri(), sender.rooms());
                AtomicInteger sent = new AtomicInteger();
                Thread broadcasting = new Thread(() -> {
                    for (int i = 0; i < ROOM_BROADCASTS; i++) {
                        sender.rooms().broadcast(ScaleOutApp.ROOM, Message.text("b:n" + i));
                        sent.incrementAndGet();
                        try {
                            Thread.sleep(5);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "broadcasting");
                try (sender; senderRelay) {
                    broadcasting.start();
                    await().atMost(Duration.ofSeconds(30)).until(() -> sent.get() >= ROOM_BROADCASTS / 4);
                    cluster.kill(1);
                    for (int c = 0; c < clients.size(); c++) clients.get(c).send("back" + c); // live again once echoed
                    for (int c = 0; c < clients.size(); c++) {
                        String back = "back" + c;
                        ClientLog log = logs.get(c);
                        await().atMost(Duration.ofSeconds(60)).until(() -> log.texts().contains(back));
                    }
                    broadcasting.join(60_000);
                    assertThat(sent.get()).as("broadcasts sent").isEqualTo(ROOM_BROADCASTS);
                    clients.get(0).send("b:after");
                    await().atMost(Duration.ofSeconds(30)).until(() -> logs.stream().allMatch(l -> l.texts().contains("b:after")));
                }
                Thread.sleep(300); // a duplicate would come in now
                List<String> order = roomLog(cluster); // the one order of every broadcast: the room log's
                assertThat(order).as("the room log").hasSize(ROOM_BROADCASTS + 2).startsWith("b:before").endsWith("b:after");
                for (int c = 0; c < logs.size(); c++) {
                    List<String> got = logs.get(c).texts().stream().filter(t -> t.startsWith("b:")).toList();
                    List<String> lost = order.stream().filter(b -> !got.contains(b)).toList();
                    assertThat(lost).as("client %d lost broadcasts (%s)", c, clients.get(c)).isEmpty();
                    assertThat(got).as("client %d: every broadcast once, in the room log's order", c).containsExactlyElementsOf(order);
                }
                System.out.printf("ScaleOutTest rooms: 6 members over 3 nodes, one killed while %d broadcasts went out: %d takeovers, every broadcast once to each, in order%n",
                        ROOM_BROADCASTS, takeovers(cluster, clients.stream().map(BridgeClient::sessionId).toList()));
            } finally {
                clients.forEach(BridgeClient::close);
            }
        }
    }

    /** Which echoes each client lacks so far (client index: texts), for a failure message. */
    private static String missing(List<ClientLog> logs, List<BridgeClient> clients, int messageCount) {
        List<String> out = new ArrayList<>();
        for (int c = 0; c < logs.size(); c++) {
            List<String> got = logs.get(c).texts();
            int client = c;
            List<String> lacking = java.util.stream.IntStream.range(0, messageCount).mapToObj(n -> "c" + client + "-" + n)
                    .filter(m -> !got.contains(m)).toList();
            if (!lacking.isEmpty()) {
                ClientLog log = logs.get(c);
                out.add("client " + c + " (" + got.size() + " received) lacks " + lacking + "; sessions lost " + log.sessionsLost
                        + ", closes " + log.closes + ", transports " + log.transports + ", upgrades " + log.upgrades + ", demotions " + log.demotions + ", " + clients.get(c));
            }
        }
        return String.join("; ", out);
    }

    /** The texts of the room broadcasts, in the order of the room log in Redis. */
    private static List<String> roomLog(Cluster cluster) {
        RedisClient redis = RedisClient.create(cluster.redis.uri());
        try (StatefulRedisConnection<String, String> c = redis.connect()) {
            return c.sync().xrange("cb:rooms:log", Range.create("-", "+")).stream()
                    .filter(m -> ScaleOutApp.ROOM.equals(m.getBody().get("r"))).map(m -> m.getBody().get("p")).toList();
        } finally {
            redis.shutdown();
        }
    }

    /** How many times the sessions were taken over by another node: each takeover raises the stored generation. */
    private static long takeovers(Cluster cluster, List<String> sessions) {
        RedisClient redis = RedisClient.create(cluster.redis.uri());
        try (StatefulRedisConnection<String, String> c = redis.connect()) {
            return sessions.stream().mapToLong(sid -> Long.parseLong(c.sync().hget("cb:{" + sid + "}:meta", "gen")) - 1).sum();
        } finally {
            redis.shutdown();
        }
    }
}
