package io.cometbridge.polling;

import io.cometbridge.api.SessionClosedException;
import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.testing.ClientLog;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Issue 9, item 10: after the server dies and restarts (and so forgets every session), the Java client
 * says what happened (its unacknowledged sends fail as "session lost", code 4404, not as an
 * expired grace period), starts a new session on the same port, and goes on.
 */
class ServerRestartTest {

    @ParameterizedTest
    @EnumSource(value = TransportKind.class, names = {"WEBSOCKET", "POLLING"})
    void aRestartedServerMeansANewSessionAndTheClientSaysWhy(TransportKind kind) throws Exception {
        RecordingApp app = new RecordingApp(RecordingApp.Mode.ECHO);
        TestServer first = new TestServer(app, TestServer.config().build(), List.of(new LongPollingModule()));
        int port = first.port();
        ClientLog log = new ClientLog();
        try (BridgeClient c = BridgeClient.builder(first.uri()).transports(kind).listener(log).build()) {
            c.connect().get(10, TimeUnit.SECONDS);
            c.send("before").get(10, TimeUnit.SECONDS);
            String oldSession = c.sessionId();
            first.server.jetty().setStopTimeout(0); // a crash, as far as the client can tell: no close frame
            first.server.jetty().stop();
            first.bridge.close();
            CompletableFuture<Void> during = c.send("while the server is down");
            try (TestServer second = new TestServer(new RecordingApp(RecordingApp.Mode.ECHO), TestServer.config().build(),
                    List.of(new LongPollingModule()), b -> b.port(port))) {
                assertThatThrownBy(() -> during.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOfSatisfying(SessionClosedException.class, e -> {
                            assertThat(e.reason().code()).isEqualTo(ErrorCode.UNKNOWN_SESSION.closeCode());
                            assertThat(e.reason().reason()).startsWith("session lost");
                        });
                await().atMost(30, TimeUnit.SECONDS).until(() -> c.state() == BridgeClient.State.OPEN && !oldSession.equals(c.sessionId()));
                assertThat(log.sessionsLost).hasSize(1);
                c.send("after").get(10, TimeUnit.SECONDS);
                await().until(() -> log.texts().contains("after"));
            }
        }
    }
}
