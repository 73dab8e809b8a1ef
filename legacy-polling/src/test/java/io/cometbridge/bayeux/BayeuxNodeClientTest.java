package io.cometbridge.bayeux;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The official CometD JavaScript client (npm cometd 8.0.10 with cometd-nodejs-client), unmodified,
 * and a native bridge client exchange 10,000 messages each way while the Bayeux client's
 * connections are cut every 250 ms. With the ack extension nothing is lost or duplicated
 * server-to-client; without it, what a cut connect answer carried is lost (Bayeux's at-most-once).
 * Client-to-server, Bayeux has no resend: the script re-publishes what failed, and a publish whose
 * reply was cut after the server took it arrives twice. Each case prints one table line.
 */
class BayeuxNodeClientTest {
    private static final List<String> TABLE = new CopyOnWriteArrayList<>();

    @AfterAll
    static void printTable() {
        System.out.println("[bayeux-loss] client | type | ack | cuts | down lost | down dup | up lost | up dup | up re-published");
        TABLE.forEach(System.out::println);
    }

    @ParameterizedTest(name = "{0}, ack={1}")
    @CsvSource({"long-polling, true", "websocket, true", "long-polling, false"})
    void tenThousandEachWayWhileConnectionsAreCut(String connectionType, boolean ack) throws Exception {
        try (LossHarness world = new LossHarness();
             NodeRunner node = new NodeRunner("bayeux-loss.mjs", world.bayeuxUrl().toString(), connectionType,
                     String.valueOf(ack), String.valueOf(LossHarness.COUNT))) {
            node.awaitLine("READY", 30);
            world.awaitBayeuxSubscribed();
            world.startCutting();
            CompletableFuture<Void> down = world.sendDown();
            node.awaitLine("PUBLISHED", 120);
            down.get(60, TimeUnit.SECONDS);
            world.stopCutting();
            JsonObject result = JsonParser.parseString(node.awaitLine("RESULT", 60)).getAsJsonObject();
            await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ofMillis(200))
                    .until(() -> world.upStats().distinct() == LossHarness.COUNT);
            LossHarness.Stats up = world.upStats();
            int downLost = LossHarness.COUNT - result.get("downDistinct").getAsInt();
            int downDup = result.get("downDuplicates").getAsInt();
            TABLE.add(String.format("[bayeux-loss] js %s | %s | %s | %d | %d | %d | %d | %d | %d", result.get("connectionType").getAsString(),
                    connectionType, ack, world.cuts.get(), downLost, downDup, up.lost(), up.duplicates(), result.get("publishRetries").getAsInt()));

            assertThat(world.cuts.get()).as("connections were cut").isGreaterThan(5);
            assertThat(result.get("ack").getAsBoolean()).isEqualTo(ack);
            assertThat(result.get("timesyncReplies").getAsInt()).as("timesync answered").isPositive();
            assertThat(up.lost()).as("up: every publish arrives (failed ones are re-published)").isZero();
            assertThat(up.outOfOrder()).as("up: first arrivals in order").isZero();
            assertThat(up.duplicates()).as("up: a duplicate is a re-publish whose first reply was cut")
                    .isLessThanOrEqualTo(result.get("publishRetries").getAsInt());
            assertThat(downDup).as("down: never a duplicate").isZero();
            if (ack) {
                assertThat(downLost).as("down with the ack extension: nothing lost").isZero();
                assertThat(result.get("downOutOfOrder").getAsInt()).isZero();
            }
        }
    }
}
