package io.cometbridge.polling;

import io.cometbridge.api.BridgeSession;
import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.client.ClientMemory;
import io.cometbridge.protocol.Message;
import io.cometbridge.testing.ClientLog;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TcpRelay;
import io.cometbridge.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 15 item 2 for the Java client: WebSockets that open and die soon after (a TLS-inspecting
 * proxy or an antivirus; here a relay that cuts every connection 300 ms after it opened) demote
 * WebSocket after three in a row: the session stays on polling (no more WebSocket attempts while
 * the demotion lasts, though probes would otherwise try every few hundred ms), the application
 * hears why, nothing is lost or repeated, and the next client of the bridge starts on polling.
 */
class ClientWebSocketDemotionTest {
    private static final int COUNT = 300;
    private TestServer server;
    private TcpRelay wsRelay;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(new RecordingApp(RecordingApp.Mode.RECORD), TestServer.config().build(), List.of(new LongPollingModule()));
        wsRelay = new TcpRelay(server.port());
        wsRelay.dieAfter(300);
    }

    @AfterEach
    void stop() throws Exception {
        wsRelay.close();
        server.close();
    }

    private BridgeClient client(ClientLog log, ClientMemory memory) {
        return BridgeClient.builder(server.uri())
                .webSocketUri(URI.create("ws://127.0.0.1:" + wsRelay.port() + "/bridge/ws"))
                .probes(Duration.ofMillis(200), Duration.ofMillis(400), 1000, Duration.ofHours(1))
                .demoteWebSocketFor(Duration.ofMinutes(5)).memory(memory).listener(log).build();
    }

    @Test
    void webSocketsThatDieSoonAfterOpeningAreDemoted_theSessionStaysOnPolling_exactlyOnce() throws Exception {
        ClientLog log = new ClientLog();
        ClientMemory memory = ClientMemory.inMemory();
        try (BridgeClient c = client(log, memory)) {
            c.connect().get();
            BridgeSession session = server.app.session(c.sessionId());
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            for (int i = 1; i <= COUNT && log.demotions.isEmpty(); i++) { // streaming while the sockets die
                acks.add(c.send("c" + i));
                session.send("s" + i);
                Thread.sleep(20);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> !log.demotions.isEmpty());
            int sent = acks.size();
            await().atMost(Duration.ofSeconds(30)).until(() -> c.transport() == TransportKind.POLLING);
            int webSocketsAtDemotion = wsRelay.connectionsRelayed();
            for (int i = sent + 1; i <= sent + 50; i++) { // two seconds on polling: probes (every 200-400 ms) would have tried WebSocket
                acks.add(c.send("c" + i));
                session.send("s" + i);
                Thread.sleep(40);
            }
            int total = sent + 50;
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> log.messages.size() >= total
                    && server.app.receivedBy(session.id()).size() >= total);
            ExactlyOnceAcrossSwitchesTestSupport.assertExactlyInOrder(log.texts(), "s", total);
            ExactlyOnceAcrossSwitchesTestSupport.assertExactlyInOrder(
                    server.app.receivedBy(session.id()).stream().map(Message::text).toList(), "c", total);
            assertThat(wsRelay.connectionsRelayed()).as("no WebSocket tried while demoted").isEqualTo(webSocketsAtDemotion);
            assertThat(webSocketsAtDemotion).as("useless WebSockets before the demotion").isGreaterThanOrEqualTo(3);
            assertThat(c.transport()).isEqualTo(TransportKind.POLLING);
            assertThat(log.demotions).hasSize(1);
            assertThat(log.demotions.get(0)).startsWith("websocket_useless");
            assertThat(c.sessionId()).isEqualTo(session.id());
        }
        ClientLog next = new ClientLog();
        try (BridgeClient c = client(next, memory)) { // remembered: the next client starts on polling
            c.connect().get();
            await().until(() -> !next.transports.isEmpty()); // the listener hears after the state changed
            assertThat(next.transports).first().isEqualTo(TransportKind.POLLING);
        }
    }
}
