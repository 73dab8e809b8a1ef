package io.cometbridge.bayeux;

import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.polling.LongPollingModule;
import io.cometbridge.protocol.Message;
import io.cometbridge.testing.ClientLog;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.cometd.bayeux.Channel;
import org.cometd.bayeux.client.ClientSessionChannel;
import org.cometd.client.BayeuxClient;
import org.cometd.client.ext.AckExtension;
import org.cometd.client.http.jetty.JettyHttpClientTransport;
import org.cometd.client.transport.ClientTransport;
import org.cometd.client.websocket.jakarta.WebSocketTransport;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The official CometD Java client 8.0.10, unmodified (long-polling over Jetty's HttpClient, and
 * its standard WebSocket transport), chatting with a native bridge client in the same room.
 */
class BayeuxJavaClientTest {
    private TestServer server;
    private HttpClient http;
    private jakarta.websocket.WebSocketContainer webSockets;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(new RecordingApp(RecordingApp.Mode.RECORD), TestServer.config().build(),
                List.of(new LongPollingModule(), new BayeuxModule()), b -> b.stats(true));
        http = new HttpClient();
        http.start();
        webSockets = jakarta.websocket.ContainerProvider.getWebSocketContainer();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        http.stop();
        if (webSockets instanceof org.eclipse.jetty.util.component.LifeCycle lc) lc.stop();
    }

    private BayeuxClient bayeux(String connectionType) {
        String url = server.uri() + "/cometd";
        ClientTransport transport = connectionType.equals("websocket")
                ? new WebSocketTransport(null, null, webSockets)
                : new JettyHttpClientTransport(null, http);
        BayeuxClient client = new BayeuxClient(url, transport);
        client.addExtension(new AckExtension());
        return client;
    }

    @ParameterizedTest
    @ValueSource(strings = {"long-polling", "websocket"})
    void bayeuxAndNativeClientsChatInOneRoom(String connectionType) throws Exception {
        BayeuxClient cometd = bayeux(connectionType);
        cometd.handshake();
        assertThat(cometd.waitFor(10_000, BayeuxClient.State.CONNECTED)).isTrue();
        assertThat(cometd.getTransport().getName()).isEqualTo(connectionType);

        List<Object> got = new CopyOnWriteArrayList<>();
        cometd.getChannel("/chat/demo").subscribe((channel, message) -> got.add(message.getData()));
        ClientLog log = new ClientLog();
        try (BridgeClient nativeClient = BridgeClient.builder(server.uri()).listener(log).build()) {
            nativeClient.connect().get();
            server.app.session(nativeClient.sessionId()).join("chat/demo");
            await().until(() -> server.bridge.rooms().size("chat/demo") == 2);

            // Bayeux -> native: the bridge broadcasts a publish on a broadcast channel to its room.
            cometd.getChannel("/chat/demo").publish(Map.of("user", "bayeux", "text", "hello native"));
            await().atMost(Duration.ofSeconds(10)).until(() -> log.messages.size() == 1);
            assertThat(log.texts().get(0)).contains("\"user\":\"bayeux\"").contains("\"text\":\"hello native\"");

            // native -> Bayeux: the application broadcasts to the room; the Bayeux client gets it on the channel.
            server.bridge.rooms().broadcast("chat/demo", Message.text("{\"user\":\"native\",\"text\":\"hello bayeux\"}"));
            await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2); // its own publish, then the native one
            assertThat(got.get(1)).isEqualTo(Map.of("user", "native", "text", "hello bayeux"));

            // The application saw the Bayeux publish with its channel.
            var bayeuxSession = server.app.opened.values().stream()
                    .filter(s -> s.transport() != null && s.transport() != TransportKind.WEBSOCKET && s.transport() != TransportKind.POLLING)
                    .findFirst().orElseThrow();
            assertThat(server.app.receivedBy(bayeuxSession.id())).singleElement()
                    .satisfies(m -> assertThat(m.topic()).isEqualTo("chat/demo"));

            // /stats counts the Bayeux session under its own transport, bytes on the wire included.
            String stats = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(server.uri() + "/stats")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            var bayeuxTotals = com.google.gson.JsonParser.parseString(stats).getAsJsonObject()
                    .getAsJsonObject("transports").getAsJsonObject("bayeux-" + connectionType);
            assertThat(bayeuxTotals.get("sessions").getAsInt()).isEqualTo(1);
            assertThat(bayeuxTotals.get("messagesIn").getAsLong()).isEqualTo(1);
            assertThat(bayeuxTotals.get("messagesOut").getAsLong()).isGreaterThanOrEqualTo(2);
            assertThat(bayeuxTotals.get("wireBytesIn").getAsLong()).isPositive();
            assertThat(bayeuxTotals.get("wireBytesOut").getAsLong()).isPositive();
        } finally {
            cometd.disconnect(5000);
        }
    }
}
