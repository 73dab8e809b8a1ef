package io.cometbridge.polling;

import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.session.BridgeConfig;
import io.cometbridge.session.Session;
import io.cometbridge.session.SessionStats;
import io.cometbridge.session.SessionStats.Counter;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Java client's polling transport sends its messages in exchanges (PROTOCOL.md section 4): in
 * a closed loop (each echo answered by the next message) a round trip costs one request, where the
 * two-request flow cost a send and a new receive.
 */
class JavaClientPollingExchangeTest {
    private TestServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) server.close();
    }

    @Test
    void aClosedLoopEchoCostsOneRequestPerRoundTrip() throws Exception {
        server = new TestServer(new RecordingApp(RecordingApp.Mode.ECHO), BridgeConfig.defaults(),
                List.of(new LongPollingModule()), b -> b.stats(true));
        int rounds = 50;
        CountDownLatch done = new CountDownLatch(1);
        List<String> texts = new CopyOnWriteArrayList<>();
        BridgeClient.Listener loop = (client, message) -> {
            texts.add(message.text());
            if (texts.size() < rounds) client.send("round " + texts.size());
            else done.countDown();
        };
        try (BridgeClient client = BridgeClient.builder(server.uri()).transports(TransportKind.POLLING).listener(loop).build()) {
            client.connect().get();
            client.send("round 0");
            assertThat(done.await(30, TimeUnit.SECONDS)).as("all echoes arrived").isTrue();
            assertThat(texts).hasSize(rounds).startsWith("round 0", "round 1").endsWith("round " + (rounds - 1));

            Session session = server.bridge.sessions().iterator().next();
            SessionStats stats = session.stats();
            assertThat(stats.get(TransportKind.POLLING, Counter.MESSAGES_IN)).isEqualTo(rounds);
            // attach, the first receive, one exchange per round, and a little slack for a receive
            // that was out when the next message was queued
            assertThat(stats.get(TransportKind.POLLING, Counter.HTTP_REQUESTS)).isLessThanOrEqualTo(rounds + rounds / 5 + 2);
        }
    }
}
