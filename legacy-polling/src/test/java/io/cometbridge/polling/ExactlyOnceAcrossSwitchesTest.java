package io.cometbridge.polling;

import io.cometbridge.api.BridgeSession;
import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.protocol.Message;
import io.cometbridge.session.BridgeConfig;
import io.cometbridge.testing.ClientLog;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 10,000 messages each way while the client moves WebSocket → polling → WebSocket several times,
 * and while transports die abruptly: every message arrives exactly once and in order, both ways.
 */
class ExactlyOnceAcrossSwitchesTest {
    private static final int COUNT = 10_000;
    private TestServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) server.close();
    }

    private void startServer() throws Exception {
        BridgeConfig config = BridgeConfig.builder().maxQueuedMessages(COUNT + 10).gracePeriod(Duration.ofSeconds(20)).build();
        server = new TestServer(new RecordingApp(RecordingApp.Mode.RECORD), config, List.of(new LongPollingModule()));
    }

    @Test
    void tenThousandEachWayAcrossTransportSwitches() throws Exception {
        startServer();
        ClientLog log = new ClientLog();
        try (BridgeClient client = BridgeClient.builder(server.uri()).listener(log).maxQueuedMessages(COUNT + 10).build()) {
            client.connect().get();
            await().atMost(Duration.ofSeconds(5)).until(() -> !server.app.opened.isEmpty()); // onOpen may run just after the client heard "open"
            BridgeSession session = server.app.opened.values().iterator().next();
            List<TransportKind> plan = List.of(TransportKind.POLLING, TransportKind.WEBSOCKET, TransportKind.POLLING,
                    TransportKind.WEBSOCKET, TransportKind.POLLING, TransportKind.WEBSOCKET);

            Semaphore window = new Semaphore(500); // the app paces itself on acknowledgements
            CompletableFuture<Void> serverSends = CompletableFuture.runAsync(() -> {
                for (int i = 1; i <= COUNT; i++) {
                    window.acquireUninterruptibly();
                    session.send("s" + i).whenComplete((v, e) -> window.release());
                }
            });
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            int step = COUNT / (plan.size() + 1);
            for (int i = 1; i <= COUNT; i++) {
                acks.add(client.send("c" + i));
                if (i % step == 0 && i / step <= plan.size()) {
                    client.switchTo(plan.get(i / step - 1)).get();
                }
                if (i % 200 == 0) acks.get(i - 150).get(); // keep the client's own window bounded
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get();
            serverSends.get();

            await().atMost(Duration.ofSeconds(60)).until(() -> log.messages.size() >= COUNT);
            ExactlyOnceAcrossSwitchesTestSupport.assertExactlyInOrder(log.texts(), "s", COUNT);
            ExactlyOnceAcrossSwitchesTestSupport.assertExactlyInOrder(
                    server.app.receivedBy(session.id()).stream().map(Message::text).toList(), "c", COUNT);
            assertThat(log.transports).containsSubsequence(TransportKind.POLLING, TransportKind.WEBSOCKET,
                    TransportKind.POLLING, TransportKind.WEBSOCKET);
            assertThat(log.opens).isEqualTo(1); // one session throughout
        }
    }
}
