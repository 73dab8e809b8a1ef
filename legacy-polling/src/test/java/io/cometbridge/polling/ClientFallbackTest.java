package io.cometbridge.polling;

import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.testing.ClientLog;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TcpRelay;
import io.cometbridge.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The Java client degrades to long-polling when WebSocket cannot connect, and its session survives a network cut. */
class ClientFallbackTest {
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(new RecordingApp(RecordingApp.Mode.ECHO), TestServer.config().build(), List.of(new LongPollingModule()));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void unreachableWebSocketFallsBackToPollingInTheSameSession() throws Exception {
        try (TcpRelay deadEnd = new TcpRelay(server.port())) {
            deadEnd.cut(); // accepts nothing: like a middlebox that kills every upgrade
            ClientLog log = new ClientLog();
            try (BridgeClient c = BridgeClient.builder(server.uri())
                    .webSocketUri(URI.create("ws://127.0.0.1:" + deadEnd.port() + "/bridge/ws"))
                    .listener(log).build()) {
                long start = System.nanoTime();
                c.connect().get();
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertThat(c.transport()).isEqualTo(TransportKind.POLLING);
                assertThat(millis).as("fallback is quick when the socket fails fast").isLessThan(5_000);
                c.send("via polling").get();
                await().until(() -> log.messages.size() == 1);
                assertThat(log.opens).isEqualTo(1);
            }
        }
    }

    @Test
    void sessionResumesAfterTheNetworkComesBack() throws Exception {
        try (TcpRelay relay = new TcpRelay(server.port())) {
            ClientLog log = new ClientLog();
            try (BridgeClient c = BridgeClient.builder(URI.create("http://127.0.0.1:" + relay.port() + "/bridge")).listener(log).build()) {
                c.connect().get();
                String sid = c.sessionId();
                relay.cut();
                var pending = c.send("sent during the outage");
                await().pollDelay(Duration.ofMillis(300)).until(() -> true);
                relay.restore();
                pending.get();
                await().until(() -> log.messages.size() == 1);
                assertThat(c.sessionId()).isEqualTo(sid);
                assertThat(log.texts()).containsExactly("sent during the outage");
            }
        }
    }
}
