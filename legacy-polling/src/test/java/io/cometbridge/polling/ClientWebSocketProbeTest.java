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
 * Issue 15 item 7: a Java client that fell back to polling probes WebSocket in the background and
 * moves its session up once WebSockets get through (exactly once, in order, both ways), and
 * remembers for the bridge that WebSocket failed, so that the next client starts on polling.
 * WebSockets go through a relay that refuses every connection at first, then lets them through.
 */
class ClientWebSocketProbeTest {
    private static final int COUNT = 400;
    private TestServer server;
    private TcpRelay wsRelay;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(new RecordingApp(RecordingApp.Mode.RECORD), TestServer.config().maxQueuedMessages(COUNT * 2 + 10).build(), List.of(new LongPollingModule()));
        wsRelay = new TcpRelay(server.port());
        wsRelay.cut(); // refuses every WebSocket until restored
    }

    @AfterEach
    void stop() throws Exception {
        wsRelay.close();
        server.close();
    }

    private BridgeClient client(ClientLog log, ClientMemory memory) {
        return BridgeClient.builder(server.uri())
                .webSocketUri(URI.create("ws://127.0.0.1:" + wsRelay.port() + "/bridge/ws"))
                .probes(Duration.ofMillis(200), Duration.ofMillis(800), 1000, Duration.ofHours(1))
                .memory(memory).maxQueuedMessages(COUNT * 2 + 10).listener(log).build();
    }

    @Test
    void fellBackToPolling_probesMoveTheSessionUp_messagesEachWayExactlyOnce() throws Exception {
        ClientLog log = new ClientLog();
        try (BridgeClient c = client(log, ClientMemory.inMemory())) {
            c.connect().get();
            assertThat(c.transport()).isEqualTo(TransportKind.POLLING);
            BridgeSession session = server.app.session(c.sessionId());
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            for (int i = 1; i <= COUNT; i++) {
                if (i == COUNT / 2) wsRelay.restore(); // the probes get through from now on, mid-stream
                acks.add(c.send("c" + i));
                session.send("s" + i);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> c.transport() == TransportKind.WEBSOCKET);
            for (int i = COUNT + 1; i <= 2 * COUNT; i++) { // and more once on WebSocket
                acks.add(c.send("c" + i));
                session.send("s" + i);
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> log.messages.size() >= 2 * COUNT
                    && server.app.receivedBy(session.id()).size() >= 2 * COUNT);
            ExactlyOnceAcrossSwitchesTestSupport.assertExactlyInOrder(log.texts(), "s", 2 * COUNT);
            ExactlyOnceAcrossSwitchesTestSupport.assertExactlyInOrder(
                    server.app.receivedBy(session.id()).stream().map(Message::text).toList(), "c", 2 * COUNT);
            await().until(() -> log.upgrades.size() == 1); // the listener hears after the state changed
            assertThat(log.upgrades).containsExactly(TransportKind.POLLING);
            assertThat(log.transports).containsExactly(TransportKind.POLLING, TransportKind.WEBSOCKET);
            assertThat(log.opens).isEqualTo(1);
            assertThat(c.sessionId()).isEqualTo(session.id());
        }
    }

    @Test
    void rememberedFailure_nextClientStartsOnPolling_thenMovesUpAndForgets() throws Exception {
        ClientMemory memory = ClientMemory.inMemory();
        ClientLog first = new ClientLog();
        try (BridgeClient c = client(first, memory)) {
            c.connect().get();
            assertThat(c.transport()).isEqualTo(TransportKind.POLLING);
        }
        wsRelay.restore(); // WebSockets work now, but the memory says they failed
        ClientLog second = new ClientLog();
        try (BridgeClient c = client(second, memory)) {
            c.connect().get();
            await().atMost(Duration.ofSeconds(30)).until(() -> c.transport() == TransportKind.WEBSOCKET);
            c.send("after the move").get();
            // The listener hears after the state changed. A failure says how the client got to WebSocket.
            // Runs on a loaded machine have reached it without an upgrade event; in one (4 December 2026) the
            // second client was straight on WebSocket (transports [WEBSOCKET], 1 open): most likely the first
            // client's probe got through after its close() and its late open frame reopened that closed session,
            // which then remembered WebSocket as working. ClientSession.finish now forgets the stopped attach.
            // Not reproduced on demand.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(second.upgrades)
                    .as("upgrade events, with transports %s and %d opens", second.transports, second.opens).isNotEmpty());
            // Started on polling, then moved up by a probe (a loaded machine may drop and redo that later: not counted here).
            assertThat(second.transports).startsWith(TransportKind.POLLING, TransportKind.WEBSOCKET);
            assertThat(second.upgrades.get(0)).isEqualTo(TransportKind.POLLING);
        }
        ClientLog third = new ClientLog(); // the WebSocket that worked was remembered: straight to it
        try (BridgeClient c = client(third, memory)) {
            c.connect().get();
            await().until(() -> !third.transports.isEmpty());
            assertThat(third.transports).containsExactly(TransportKind.WEBSOCKET);
            assertThat(third.upgrades).isEmpty();
        }
    }

    @Test
    void rememberedFailureExpires_nextClientTriesWebSocketFirst() throws Exception {
        ClientMemory memory = ClientMemory.inMemory();
        BridgeClient.Listener quiet = (c, m) -> { };
        try (BridgeClient c = BridgeClient.builder(server.uri())
                .webSocketUri(URI.create("ws://127.0.0.1:" + wsRelay.port() + "/bridge/ws"))
                .probes(Duration.ofMinutes(1), Duration.ofMinutes(1), 1, Duration.ofMillis(300)).memory(memory).listener(quiet).build()) {
            c.connect().get();
            assertThat(c.transport()).isEqualTo(TransportKind.POLLING);
        }
        wsRelay.restore();
        Thread.sleep(400); // past the memory's expiry (not a timing assertion: what follows holds for any longer wait)
        ClientLog next = new ClientLog();
        try (BridgeClient c = client(next, memory)) {
            c.connect().get();
            await().until(() -> !next.transports.isEmpty());
            assertThat(next.transports).containsExactly(TransportKind.WEBSOCKET);
        }
    }
}
