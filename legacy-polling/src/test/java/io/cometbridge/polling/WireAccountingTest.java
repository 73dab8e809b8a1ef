package io.cometbridge.polling;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.session.BridgeConfig;
import io.cometbridge.session.Session;
import io.cometbridge.session.SessionStats;
import io.cometbridge.session.SessionStats.Counter;
import io.cometbridge.testing.ClientLog;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The wire figures of the statistics (docs/PROTOCOL.md section 10) against bytes counted independently:
 * the client talks to the server through a TCP relay that counts every byte each way.
 */
class WireAccountingTest {
    private TestServer server;
    private Relay relay;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(new RecordingApp(RecordingApp.Mode.ECHO), BridgeConfig.defaults(),
                List.of(new LongPollingModule()), b -> b.stats(true));
        relay = new Relay(server.port());
    }

    @AfterEach
    void stop() throws Exception {
        relay.close();
        server.close();
    }

    @ParameterizedTest
    @EnumSource(value = TransportKind.class, names = {"WEBSOCKET", "POLLING"}) // the Java client's transports
    void wireBytesMatchWhatARelayCountedAtTheSocket(TransportKind kind) throws Exception {
        URI viaRelay = URI.create("http://127.0.0.1:" + relay.port() + "/bridge");
        ClientLog log = new ClientLog();
        int n = 25;
        try (BridgeClient client = BridgeClient.builder(viaRelay).transports(kind).listener(log).build()) {
            client.connect().get();
            for (int i = 0; i < n; i++) client.send("message " + i + " " + "x".repeat(i * 7));
            await().atMost(Duration.ofSeconds(10)).until(() -> log.messages.size() == n);

            Session session = server.bridge.sessions().iterator().next();
            SessionStats stats = session.stats();
            // Everything the relay carried so far belongs to this one session (the held poll included).
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(stats.get(kind, Counter.WIRE_BYTES_IN)).as("wire bytes in").isEqualTo(relay.up.get());
                assertThat(stats.get(kind, Counter.WIRE_BYTES_OUT)).as("wire bytes out").isEqualTo(relay.down.get());
            });
            assertThat(relay.up.get()).isGreaterThan(0);
            assertThat(stats.get(kind, Counter.MESSAGES_IN)).isEqualTo(n);
            // Out counts resends too (a poll that names an older ack gets frames again).
            assertThat(stats.get(kind, Counter.MESSAGES_OUT)).isGreaterThanOrEqualTo(n);
            long payload = 0;
            for (int i = 0; i < n; i++) payload += ("message " + i + " " + "x".repeat(i * 7)).length();
            assertThat(stats.get(kind, Counter.PAYLOAD_BYTES_IN)).isEqualTo(payload);
            assertThat(stats.get(kind, Counter.PAYLOAD_BYTES_OUT)).isGreaterThanOrEqualTo(payload);
            assertThat(stats.get(kind, Counter.FRAMES_IN)).isGreaterThanOrEqualTo(n);
            assertThat(stats.get(kind, Counter.FRAMES_OUT)).isGreaterThan(n); // the open frame too
            if (kind == TransportKind.WEBSOCKET) {
                assertThat(stats.get(kind, Counter.HTTP_REQUESTS)).as("the upgrade").isEqualTo(1);
            } else {
                assertThat(stats.get(kind, Counter.HTTP_REQUESTS)).isGreaterThanOrEqualTo(3); // attach, send, recv
            }
            // The wire carried more than the payload, and the other transport carried nothing.
            assertThat(stats.get(kind, Counter.WIRE_BYTES_IN)).isGreaterThan(payload);
            TransportKind other = kind == TransportKind.WEBSOCKET ? TransportKind.POLLING : TransportKind.WEBSOCKET;
            assertThat(stats.get(other, Counter.WIRE_BYTES_IN)).isZero();
            assertThat(stats.get(other, Counter.WIRE_BYTES_OUT)).isZero();

            // The server totals agree (while the connections are up: after a close, the relay may
            // count bytes the server never read).
            var totals = server.bridge.totals();
            assertThat(totals.get(kind, Counter.WIRE_BYTES_IN)).isEqualTo(stats.get(kind, Counter.WIRE_BYTES_IN));
            assertThat(totals.get(kind, Counter.WIRE_BYTES_OUT)).isEqualTo(stats.get(kind, Counter.WIRE_BYTES_OUT));
            assertThat(totals.unattributedBytesIn()).isZero();
        }
    }

    @Test
    void keepAliveConnectionChargesEachRequestToItsOwnSession() throws Exception {
        // Two polling sessions share one HTTP client, so requests of both ride the same connections.
        URI viaRelay = URI.create("http://127.0.0.1:" + relay.port() + "/bridge");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ClientLog a = new ClientLog(), b = new ClientLog();
        try (BridgeClient ca = BridgeClient.builder(viaRelay).transports(TransportKind.POLLING).httpClient(http).listener(a).build();
             BridgeClient cb = BridgeClient.builder(viaRelay).transports(TransportKind.POLLING).httpClient(http).listener(b).build()) {
            ca.connect().get();
            cb.connect().get();
            for (int i = 0; i < 10; i++) {
                ca.send("a" + i);
                cb.send("b" + i);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> a.messages.size() == 10 && b.messages.size() == 10);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                long in = 0, out = 0;
                for (Session s : server.bridge.sessions()) {
                    in += s.stats().get(TransportKind.POLLING, Counter.WIRE_BYTES_IN);
                    out += s.stats().get(TransportKind.POLLING, Counter.WIRE_BYTES_OUT);
                    assertThat(s.stats().get(TransportKind.POLLING, Counter.WIRE_BYTES_IN)).isGreaterThan(0);
                }
                assertThat(in).isEqualTo(relay.up.get());
                assertThat(out).isEqualTo(relay.down.get());
            });
        }
    }

    @Test
    void statsEndpointShowsTotalsAndLabelsButNeverSessionIds() throws Exception {
        ClientLog log = new ClientLog();
        try (BridgeClient ws = BridgeClient.builder(server.uri()).transports(TransportKind.WEBSOCKET).listener(log).build();
             BridgeClient poll = BridgeClient.builder(server.uri()).transports(TransportKind.POLLING).listener(log).build()) {
            ws.connect().get();
            poll.connect().get();
            ws.send("hello").get();
            poll.send("hello").get();
            await().until(() -> log.messages.size() == 2);

            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(server.uri() + "/stats")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            assertThat(r.body()).doesNotContain(ws.sessionId()).doesNotContain(poll.sessionId());
            JsonObject json = JsonParser.parseString(r.body()).getAsJsonObject();
            JsonObject wsTotals = json.getAsJsonObject("transports").getAsJsonObject("websocket");
            JsonObject pollTotals = json.getAsJsonObject("transports").getAsJsonObject("polling");
            assertThat(wsTotals.get("messagesIn").getAsLong()).isEqualTo(1);
            assertThat(pollTotals.get("messagesIn").getAsLong()).isEqualTo(1);
            assertThat(wsTotals.get("sessions").getAsInt()).isEqualTo(1);
            assertThat(pollTotals.get("wireBytesIn").getAsLong()).isGreaterThan(0);
            assertThat(pollTotals.get("httpRequests").getAsLong()).isGreaterThanOrEqualTo(3);
            assertThat(json.getAsJsonObject("process").get("cpuNanos").getAsLong()).isGreaterThan(0);
            assertThat(json.getAsJsonArray("sessionList")).hasSize(2);
            json.getAsJsonArray("sessionList").forEach(e ->
                    assertThat(e.getAsJsonObject().get("label").getAsString()).matches("s\\d+"));

            HttpResponse<String> none = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(server.uri() + "/stats?sessions=0")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(JsonParser.parseString(none.body()).getAsJsonObject().getAsJsonArray("sessionList")).isEmpty();
        }
    }

    /** A TCP relay that counts the bytes it forwards each way. */
    static final class Relay implements AutoCloseable {
        final AtomicLong up = new AtomicLong();   // client -> server
        final AtomicLong down = new AtomicLong(); // server -> client
        private final ServerSocket listener;
        private final int target;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        Relay(int targetPort) throws IOException {
            this.target = targetPort;
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::acceptLoop, "relay-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        private void acceptLoop() {
            while (!listener.isClosed()) {
                try {
                    Socket client = listener.accept();
                    Socket upstream = new Socket();
                    upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target));
                    sockets.add(client);
                    sockets.add(upstream);
                    pump(client, upstream, up);
                    pump(upstream, client, down);
                } catch (IOException e) {
                    return;
                }
            }
        }

        private static void pump(Socket from, Socket to, AtomicLong counter) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[8192];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        counter.addAndGet(n); // counted before forwarding: the server cannot have seen more
                        out.write(buf, 0, n);
                        out.flush();
                    }
                } catch (IOException ignored) {
                    // a side closed
                } finally {
                    try {
                        to.shutdownOutput();
                    } catch (IOException ignored) {
                        // already closed
                    }
                }
            }, "relay-pump");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket s : sockets) s.close();
        }
    }
}
