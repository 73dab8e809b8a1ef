package io.cometbridge.polling;

import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.protocol.Message;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TcpRelay;
import io.cometbridge.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Issue 15 item 4: the Java client says when it is reconnecting and when the same session is back. */
class ClientReconnectEventsTest {
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        // A short heartbeat: the test is about the events, so it must not depend on the JDK noticing the
        // relay's close at once (under load it once did not within 20 s); silence ends the socket in 2 x 2 s.
        server = new TestServer(new RecordingApp(RecordingApp.Mode.ECHO),
                TestServer.config().heartbeatInterval(Duration.ofSeconds(2)).build(), List.of(new LongPollingModule()));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @ParameterizedTest
    @EnumSource(value = TransportKind.class, names = {"WEBSOCKET", "POLLING"})
    void networkOutage_reconnectingThenReconnected_sameSession(TransportKind kind) throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        List<String> texts = new CopyOnWriteArrayList<>();
        BridgeClient.Listener listener = new BridgeClient.Listener() {
            @Override public void onMessage(BridgeClient c, Message m) { texts.add(m.text()); }
            @Override public void onOpen(BridgeClient c) { events.add("open"); }
            @Override public void onSessionLost(BridgeClient c, String reason) { events.add("lost"); }
            @Override public void onReconnecting(BridgeClient c, TransportKind next, long delay, int attempt) {
                events.add("reconnecting " + next + " #" + attempt);
            }
            @Override public void onReconnected(BridgeClient c, TransportKind transport) { events.add("reconnected " + transport); }
        };
        try (TcpRelay relay = new TcpRelay(server.port());
             BridgeClient c = BridgeClient.builder(URI.create("http://127.0.0.1:" + relay.port() + "/bridge"))
                     .transports(kind).listener(listener).build()) {
            c.connect().get();
            String sid = c.sessionId();
            relay.cut();
            await().atMost(Duration.ofSeconds(20)).until(() -> events.stream().anyMatch(e -> e.startsWith("reconnecting")));
            var sent = c.send("during the outage");
            relay.restore();
            await().atMost(Duration.ofSeconds(20)).until(() -> events.contains("reconnected " + kind));
            sent.get();
            await().until(() -> texts.contains("during the outage"));
            assertThat(c.sessionId()).isEqualTo(sid);
            assertThat(events.get(0)).isEqualTo("open");
            assertThat(events).doesNotContain("lost").containsOnlyOnce("open");
            assertThat(events.get(1)).isEqualTo("reconnecting " + kind + " #1");
            System.out.println("[reconnect] " + kind + ": " + events);
        }
    }
}
