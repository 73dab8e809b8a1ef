package io.cometbridge.polling;

import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.protocol.Message;
import io.cometbridge.session.BridgeConfig;
import io.cometbridge.testing.ClientLog;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A WebSocket client and a long-polling client share one room and one server-side API. */
class MixedTransportChatTest {
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(new RecordingApp(RecordingApp.Mode.CHAT), TestServer.config().build(),
                List.of(new LongPollingModule()));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private BridgeClient client(ClientLog log, TransportKind kind) {
        return BridgeClient.builder(server.uri()).transports(kind).listener(log).build();
    }

    @Test
    void webSocketAndPollingClientsChatBothWays() throws Exception {
        ClientLog wsLog = new ClientLog(), pollLog = new ClientLog();
        try (BridgeClient ws = client(wsLog, TransportKind.WEBSOCKET);
             BridgeClient poll = client(pollLog, TransportKind.POLLING)) {
            ws.connect().get();
            poll.connect().get();
            assertThat(ws.transport()).isEqualTo(TransportKind.WEBSOCKET);
            assertThat(poll.transport()).isEqualTo(TransportKind.POLLING);
            await().until(() -> server.bridge.rooms().size("chat") == 2);

            ws.send("hello from websocket").get();
            poll.send("hello from polling").get();

            await().atMost(Duration.ofSeconds(10)).until(() -> pollLog.messages.size() == 1 && wsLog.messages.size() == 1);
            assertThat(pollLog.texts()).containsExactly("hello from websocket");
            assertThat(wsLog.texts()).containsExactly("hello from polling");
            // The server application saw both, without knowing which transport carried them.
            assertThat(server.app.received.values()).allSatisfy(list -> assertThat(list).hasSize(1));
        }
    }

    @Test
    void binaryMessagesSurviveBothTransportsByteForByte() throws Exception {
        server.close();
        server = new TestServer(new RecordingApp(RecordingApp.Mode.ECHO), TestServer.config().build(), List.of(new LongPollingModule()));
        Random random = new Random(42);
        for (TransportKind kind : List.of(TransportKind.WEBSOCKET, TransportKind.POLLING)) {
            ClientLog log = new ClientLog();
            try (BridgeClient c = client(log, kind)) {
                c.connect().get();
                byte[][] sent = new byte[50][];
                for (int i = 0; i < sent.length; i++) {
                    sent[i] = new byte[i * 97]; // includes the empty message
                    random.nextBytes(sent[i]);
                    c.send(Message.binary(sent[i]));
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> log.messages.size() == sent.length);
                for (int i = 0; i < sent.length; i++) {
                    Message m = log.messages.get(i);
                    assertThat(m.isBinary()).as(kind + " message " + i).isTrue();
                    assertThat(m.bytes()).as(kind + " message " + i).isEqualTo(sent[i]);
                }
            }
        }
    }
}
