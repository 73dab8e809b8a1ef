package io.cometbridge.bayeux;

import org.cometd.bayeux.Message;
import org.cometd.client.BayeuxClient;
import org.cometd.client.ext.AckExtension;
import org.cometd.client.http.jetty.JettyHttpClientTransport;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The CometD Java client 8.0.10 (long-polling, ack extension), unmodified, exchanges 10,000
 * messages each way with a native client while its connections are cut every 250 ms: nothing
 * lost or duplicated server-to-client; client-to-server every publish arrives (failed ones are
 * re-published) and a duplicate only where a reply was cut after the server took the publish.
 */
class BayeuxJavaClientLossTest {

    @Test
    void tenThousandEachWayWithTheAckExtension() throws Exception {
        HttpClient http = new HttpClient();
        http.start();
        try (LossHarness world = new LossHarness()) {
            BayeuxClient client = new BayeuxClient(world.bayeuxUrl().toString(),
                    new JettyHttpClientTransport(new java.util.HashMap<>(Map.of("maxNetworkDelay", 5000)), http));
            client.addExtension(new AckExtension());
            client.setBackOffStrategy(new BayeuxClient.BackOffStrategy.Linear(50, 500)); // configuration only: quick reconnects
            Set<Integer> seen = ConcurrentHashMap.newKeySet();
            AtomicInteger duplicates = new AtomicInteger();
            AtomicInteger handshakes = new AtomicInteger();
            client.getChannel("/meta/handshake").addListener((org.cometd.bayeux.client.ClientSessionChannel.MessageListener) (c, m) -> {
                if (m.isSuccessful() && handshakes.incrementAndGet() > 0) client.getChannel("/loss/down").subscribe((ch, msg) -> {
                    int n = ((Number) msg.getDataAsMap().get("n")).intValue();
                    if (!seen.add(n)) duplicates.incrementAndGet();
                });
            });
            client.handshake();
            assertThat(client.waitFor(10_000, BayeuxClient.State.CONNECTED)).isTrue();
            world.awaitBayeuxSubscribed();

            world.startCutting();
            CompletableFuture<Void> down = world.sendDown();
            int retries = 0;
            for (int n = 0; n < LossHarness.COUNT; n++) {
                while (!publish(client, n)) {
                    retries++;
                    LossHarness.sleep(20);
                }
            }
            down.get(60, TimeUnit.SECONDS);
            world.stopCutting();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == LossHarness.COUNT
                        && world.upStats().distinct() == LossHarness.COUNT);
            } finally {
                System.out.println("[bayeux-loss] java: down distinct " + seen.size() + ", up " + world.upStats()
                        + ", handshakes " + handshakes.get());
            }
            LossHarness.Stats up = world.upStats();
            System.out.printf("[bayeux-loss] java long-polling | ack | cuts %d | down lost 0 | down dup %d | up lost %d | up dup %d | up re-published %d%n",
                    world.cuts.get(), duplicates.get(), up.lost(), up.duplicates(), retries);
            assertThat(world.cuts.get()).isGreaterThan(5);
            assertThat(duplicates.get()).as("down duplicates").isZero();
            assertThat(up.lost()).isZero();
            assertThat(up.outOfOrder()).isZero();
            assertThat(up.duplicates()).isLessThanOrEqualTo(retries);
            client.disconnect(2000);
        } finally {
            http.stop();
        }
    }

    private static boolean publish(BayeuxClient client, int n) throws InterruptedException {
        CompletableFuture<Boolean> ok = new CompletableFuture<>();
        client.getChannel("/loss/up").publish(Map.of("n", n), (Message reply) -> ok.complete(reply.isSuccessful()));
        try {
            return ok.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        }
    }
}
