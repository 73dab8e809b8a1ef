package io.cometbridge.polling;

import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.client.ClientMemory;
import io.cometbridge.protocol.Message;
import io.cometbridge.testing.IdleCutRelay;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 15 items 1 and 4: the Java client through a relay that cuts connections silent for 2 s
 * (far below the server's 15 s heartbeat and 20 s poll hold) learns from the first cut, and the
 * next client given the same {@link ClientMemory} starts with what was learned.
 */
class ClientIdleCutTest {
    private static final long CUT_AFTER_MS = 2000;
    private TestServer server;
    private IdleCutRelay relay;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(new RecordingApp(RecordingApp.Mode.ECHO), TestServer.config().build(), List.of(new LongPollingModule()));
        relay = new IdleCutRelay(server.port(), CUT_AFTER_MS);
    }

    @AfterEach
    void stop() throws Exception {
        relay.close();
        server.close();
    }

    /** What a client heard about idle cuts. */
    static final class CutLog implements BridgeClient.Listener {
        final List<String> cuts = new CopyOnWriteArrayList<>();
        final List<String> texts = new CopyOnWriteArrayList<>();
        final List<String> sessionsLost = new CopyOnWriteArrayList<>();

        @Override
        public void onMessage(BridgeClient client, Message message) {
            texts.add(message.text());
        }

        @Override
        public void onSessionLost(BridgeClient client, String reason) {
            sessionsLost.add(reason);
        }

        @Override
        public void onIdleCut(BridgeClient client, long silentMillis, long keepaliveMillis, boolean confirmed) {
            cuts.add((confirmed ? "confirmed " : "cut ") + silentMillis + " keepalive " + keepaliveMillis);
        }

        long cutsSeen() {
            return cuts.stream().filter(c -> c.startsWith("cut ")).count();
        }
    }

    @ParameterizedTest
    @EnumSource(value = TransportKind.class, names = {"WEBSOCKET", "POLLING"})
    void firstCutIsLearned_noFurtherCuts_messagesStillFlow(TransportKind kind) throws Exception {
        CutLog log = new CutLog();
        ClientMemory memory = ClientMemory.inMemory();
        try (BridgeClient c = client(kind, log, memory)) {
            c.connect().get();
            c.send("before").get();
            await().atMost(Duration.ofSeconds(15)).until(() -> log.cutsSeen() >= 1);
            long first = System.nanoTime();
            await().atMost(Duration.ofSeconds(20)).until(() -> log.cuts.stream().anyMatch(l -> l.startsWith("confirmed")));
            Thread.sleep(10_000); // a while more with nothing to say: the keepalive alone holds the line
            long window = (System.nanoTime() - first) / 1_000_000_000L;
            System.out.printf("[idle-cut] java %-9s | cut after %d ms | events %s | further cuts in the next %d s: %d | relay cuts %s%n",
                    kind, CUT_AFTER_MS, log.cuts, window, log.cutsSeen() - 1, relay.cuts());
            assertThat(log.cutsSeen() - 1).as("further cuts (target: at most 1): " + log.cuts).isLessThanOrEqualTo(1);
            c.send("after").get();
            await().until(() -> log.texts.contains("after"));
            assertThat(c.transport()).isEqualTo(kind);
            assertThat(log.sessionsLost).isEmpty();
        }
        assertThat(memory.recall("cometbridge:idle:" + base())).isNotNull();

        // The next client with this memory keeps the line busy from the start: no cut at all.
        CutLog next = new CutLog();
        try (BridgeClient c = client(kind, next, memory)) {
            c.connect().get();
            Thread.sleep(3 * CUT_AFTER_MS);
            c.send("remembered").get();
            await().until(() -> next.texts.contains("remembered"));
            assertThat(next.cuts).isEmpty();
        }
    }

    @Test
    void memoryThatThrows_isIgnored() throws Exception {
        ClientMemory broken = new ClientMemory() {
            @Override public String recall(String key) { throw new IllegalStateException("store down"); }
            @Override public void remember(String key, String value, Duration ttl) { throw new IllegalStateException("store down"); }
        };
        CutLog log = new CutLog();
        try (BridgeClient c = client(TransportKind.WEBSOCKET, log, broken)) {
            c.connect().get();
            await().atMost(Duration.ofSeconds(15)).until(() -> log.cutsSeen() >= 1);
            c.send("still fine").get();
            await().until(() -> log.texts.contains("still fine"));
        }
    }

    private URI base() {
        return URI.create("http://127.0.0.1:" + relay.port() + "/bridge/");
    }

    private BridgeClient client(TransportKind kind, CutLog log, ClientMemory memory) {
        return BridgeClient.builder(base()).transports(kind).listener(log).memory(memory).build();
    }
}
