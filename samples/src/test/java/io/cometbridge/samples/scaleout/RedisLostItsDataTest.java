package io.cometbridge.samples.scaleout;

import io.cometbridge.api.SessionClosedException;
import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.testing.ClientLog;
import io.cometbridge.testing.RedisProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11 item 3, end to end: the redis-server under two live nodes restarts empty while clients
 * (WebSocket and long-polling, through the round-robin nginx) are connected. Every client is told
 * its session is gone and starts a new one (never resumed over a gap); a send is either echoed or
 * fails, never silently dropped; the new sessions work.
 */
class RedisLostItsDataTest {
    private static final int CLIENTS = 6;

    @Test
    void clientsAreToldTheirSessionsAreGoneAndStartNewOnes() throws Exception {
        assertTrue(RedisProcess.installed(), "redis-server is not installed (scripts/install-test-deps.sh)");
        try (Cluster cluster = Cluster.start(2)) {
            List<BridgeClient> clients = new ArrayList<>();
            List<ClientLog> logs = new ArrayList<>();
            List<String> before = new ArrayList<>();
            try {
                for (int c = 0; c < CLIENTS; c++) {
                    ClientLog log = new ClientLog();
                    TransportKind[] order = c % 2 == 0 ? new TransportKind[]{TransportKind.WEBSOCKET, TransportKind.POLLING}
                            : new TransportKind[]{TransportKind.POLLING, TransportKind.WEBSOCKET};
                    BridgeClient client = BridgeClient.builder(cluster.uri()).transports(order).listener(log).build();
                    client.connect().get();
                    client.send("before" + c).get();
                    clients.add(client);
                    logs.add(log);
                    before.add(client.sessionId());
                }
                for (ClientLog log : logs) await().atMost(Duration.ofSeconds(30)).until(() -> log.texts().stream().anyMatch(t -> t.startsWith("before")));

                cluster.redis.restart(); // empty: every stored session is gone
                List<CompletableFuture<Void>> during = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) during.add(clients.get(c).send("during" + c));

                await().atMost(Duration.ofSeconds(60)).until(() -> logs.stream().noneMatch(l -> l.sessionsLost.isEmpty()));
                for (int c = 0; c < CLIENTS; c++) {
                    BridgeClient client = clients.get(c);
                    await().atMost(Duration.ofSeconds(30)).until(() -> client.state() == BridgeClient.State.OPEN);
                    assertThat(client.sessionId()).as("client %d has a new session", c).isNotEqualTo(before.get(c));
                    try {
                        during.get(c).get();
                        int index = c;
                        await().atMost(Duration.ofSeconds(30)).until(() -> logs.get(index).texts().contains("during" + index));
                    } catch (ExecutionException e) { // not acknowledged: the application hears it failed
                        assertThat(e.getCause()).isInstanceOf(SessionClosedException.class);
                    }
                    client.send("after" + c).get();
                    ClientLog log = logs.get(c);
                    String after = "after" + c;
                    await().atMost(Duration.ofSeconds(30)).until(() -> log.texts().contains(after));
                    assertThat(log.texts()).as("no echo twice").doesNotHaveDuplicates();
                }
                System.out.printf("RedisLostItsDataTest: %d clients told their sessions were gone (%s), each on a new session%n",
                        CLIENTS, logs.get(0).sessionsLost.get(0));
            } finally {
                clients.forEach(BridgeClient::close);
            }
        }
    }
}
