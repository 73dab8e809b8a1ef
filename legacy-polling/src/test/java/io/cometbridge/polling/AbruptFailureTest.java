package io.cometbridge.polling;

import io.cometbridge.api.BridgeSession;
import io.cometbridge.api.CloseReason;
import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.client.ClientFaults;
import io.cometbridge.protocol.Message;
import io.cometbridge.session.BridgeConfig;
import io.cometbridge.session.SessionStats;
import io.cometbridge.testing.ClientLog;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TcpRelay;
import io.cometbridge.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Transports that die without warning: a socket closed with no close frame, a held poll aborted,
 * a poll response lost after the server wrote it, and a network outage longer than the grace period.
 */
class AbruptFailureTest {
    private static final int COUNT = 2_000;
    private TestServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) server.close();
    }

    private void startServer(BridgeConfig config) throws Exception {
        server = new TestServer(new RecordingApp(RecordingApp.Mode.RECORD), config, List.of(new LongPollingModule()));
    }

    @Test
    void webSocketClosedWithoutCloseFrame() throws Exception {
        exchangeWhileFailing(TransportKind.WEBSOCKET, ClientFaults::killTransport);
    }

    @Test
    void heldPollAborted() throws Exception {
        exchangeWhileFailing(TransportKind.POLLING, ClientFaults::killTransport);
    }

    @Test
    void pollResponseLostAfterTheServerWroteIt() throws Exception {
        exchangeWhileFailing(TransportKind.POLLING, ClientFaults::dropNextPollResponse);
    }

    /** Streams COUNT messages each way and injects the fault five times along the way. */
    private void exchangeWhileFailing(TransportKind kind, Consumer<BridgeClient> fault) throws Exception {
        startServer(TestServer.config().maxQueuedMessages(COUNT + 10).build());
        ClientLog log = new ClientLog();
        try (BridgeClient client = BridgeClient.builder(server.uri()).transports(kind).listener(log).build()) {
            client.connect().get();
            BridgeSession session = server.app.session(client.sessionId());
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            for (int i = 1; i <= COUNT; i++) {
                acks.add(client.send("c" + i));
                acks.add(session.send("s" + i));
                if (i % (COUNT / 5) == COUNT / 10) fault.accept(client);
                if (i % 100 == 0) Thread.sleep(5); // let faults land mid-stream, not after it
            }
            try {
                CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                long done = acks.stream().filter(CompletableFuture::isDone).count();
                throw new AssertionError("acks done " + done + "/" + acks.size() + "; client " + client + ", received " + log.messages.size() + "; server session " + session
                        + ", app received " + server.app.receivedBy(session.id()).size());
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> log.messages.size() >= COUNT);
            Thread.sleep(200); // a duplicate would arrive now
            ExactlyOnceAcrossSwitchesTestSupport.assertExactlyInOrder(log.texts(), "s", COUNT);
            ExactlyOnceAcrossSwitchesTestSupport.assertExactlyInOrder(
                    server.app.receivedBy(session.id()).stream().map(Message::text).toList(), "c", COUNT);
            assertThat(log.opens).isEqualTo(1);
            assertThat(server.app.closed).isEmpty();
            // The faults really happened: the session re-attached, or resent what a lost response carried.
            var stats = ((io.cometbridge.session.Session) session).stats();
            long attaches = stats.get(kind, SessionStats.Counter.ATTACHES);
            long sentOut = stats.get(kind, SessionStats.Counter.MESSAGES_OUT);
            assertThat(attaches > 1 || sentOut > COUNT).as("attaches %d, messages out %d", attaches, sentOut).isTrue();
        }
    }

    @Test
    void outageLongerThanGracePeriodEndsTheSessionAndTheClientStartsAnew() throws Exception {
        startServer(TestServer.config()
                .gracePeriod(Duration.ofMillis(800))
                .heartbeatInterval(Duration.ofMillis(300))
                .pollTimeout(Duration.ofMillis(500))
                .build());
        for (TransportKind kind : List.of(TransportKind.WEBSOCKET, TransportKind.POLLING)) {
            server.app.closed.clear();
            try (TcpRelay relay = new TcpRelay(server.port())) {
                ClientLog log = new ClientLog();
                URI viaRelay = URI.create("http://127.0.0.1:" + relay.port() + "/bridge");
                try (BridgeClient client = BridgeClient.builder(viaRelay).transports(kind).listener(log).build()) {
                    client.connect().get();
                    String firstId = client.sessionId();
                    CompletableFuture<Void> unacked = null;

                    relay.cut();
                    await().atMost(Duration.ofSeconds(10)).until(() -> server.app.closed.containsKey(firstId));
                    assertThat(server.app.closed.get(firstId)).as(kind.toString()).isEqualTo(CloseReason.GRACE_EXPIRED);
                    assertThat(server.bridge.find(firstId)).isNull();

                    relay.restore();
                    await().atMost(Duration.ofSeconds(10)).until(() -> log.opens == 2);
                    assertThat(log.sessionsLost).as(kind + ": the application is told").hasSize(1);
                    assertThat(client.sessionId()).isNotEqualTo(firstId);
                    assertThat(client.transport()).isEqualTo(kind);
                    // The new session works.
                    client.send("after").get();
                    assertThat(server.app.receivedBy(client.sessionId())).extracting(Message::text).containsExactly("after");
                }
            }
        }
    }
}
