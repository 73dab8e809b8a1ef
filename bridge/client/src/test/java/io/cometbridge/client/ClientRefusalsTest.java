package io.cometbridge.client;

import io.cometbridge.api.TransportKind;
import io.cometbridge.protocol.Message;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * How the Java client answers what a correct bridge never says but networks and broken servers
 * do (issue 9, items 2 and 10): a resume that would leave a gap, a wrong URL, a proxy's error page.
 */
class ClientRefusalsTest {
    private static final String OPEN = "{\"t\":\"open\",\"sid\":\"AAAAAAAAAAAAAAAAAAAAAAAA\",\"key\":\"k1\",\"ack\":0,\"next\":1,"
            + "\"resumed\":false,\"hb\":15000,\"poll\":20000,\"grace\":30000}";

    private static final class Log implements BridgeClient.Listener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void onOpen(BridgeClient client) {
            events.add("open");
        }

        @Override
        public void onMessage(BridgeClient client, Message message) {
            events.add("message " + message.text());
        }

        @Override
        public void onSessionLost(BridgeClient client, String reason) {
            events.add("lost " + reason);
        }

        @Override
        public void onClose(BridgeClient client, io.cometbridge.api.CloseReason reason) {
            events.add("close " + reason.code() + " " + reason.reason());
        }
    }

    @Test
    void aResumeThatWouldLeaveAGapStartsANewSessionAndSaysSo() throws Exception {
        try (ScriptedServer server = new ScriptedServer()) {
            server.attach(200, "[" + OPEN + "]");
            server.recv(200, "[[1,\"a\"],[2,\"b\"]]");
            for (int i = 0; i < 4; i++) server.recv(502, "<html>bad gateway</html>"); // the poll fails: re-attach
            // The server claims it will go on from 5: messages 3 and 4 are gone.
            server.attach(200, "[{\"t\":\"open\",\"sid\":\"AAAAAAAAAAAAAAAAAAAAAAAA\",\"key\":\"k2\",\"ack\":0,\"next\":5,"
                    + "\"resumed\":true,\"hb\":15000,\"poll\":20000,\"grace\":30000}]");
            server.attach(200, "[" + OPEN.replace("AAAAAAAAAAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBBBBBBBBBB") + "]");
            Log log = new Log();
            try (BridgeClient c = BridgeClient.builder(server.uri()).transports(TransportKind.POLLING).listener(log).build()) {
                c.connect().get(10, TimeUnit.SECONDS);
                await().atMost(20, TimeUnit.SECONDS).until(() -> log.events.stream().anyMatch(e -> e.startsWith("lost")));
                assertThat(log.events).contains("message a", "message b");
                assertThat(log.events.stream().filter(e -> e.startsWith("lost")).findFirst().orElseThrow())
                        .contains("can no longer send messages 3 to 4");
                await().until(() -> "BBBBBBBBBBBBBBBBBBBBBBBB".equals(c.sessionId()));
                // The resuming attach carried the session's key.
                assertThat(server.requests).anyMatch(r -> r.startsWith("attach ") && r.contains("\"key\":\"k1\"") && r.contains("\"last\":2"));
            }
        }
    }

    @Test
    void aWrongUrlFailsTheConnectAtOnceWithTheStatus() throws Exception {
        try (ScriptedServer server = new ScriptedServer()) {
            server.attach(404, "<html>no such page</html>");
            Log log = new Log();
            try (BridgeClient c = BridgeClient.builder(server.uri()).transports(TransportKind.POLLING)
                    .openTimeout(java.time.Duration.ofMinutes(5)).listener(log).build()) {
                assertThatThrownBy(() -> c.connect().get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .hasMessageContaining("HTTP 404");
                assertThat(c.state()).isEqualTo(BridgeClient.State.CLOSED);
                assertThat(server.requests).hasSize(1); // no silent retries
            }
        }
    }

    @Test
    void aProxysTransientErrorPageDoesNotEndAWorkingSession() throws Exception {
        try (ScriptedServer server = new ScriptedServer()) {
            server.attach(200, "[" + OPEN + "]");
            server.send(500, "<html>internal error</html>");     // the proxy's blip
            server.send(200, "[{\"t\":\"ack\",\"a\":1}]");          // the resend gets through
            Log log = new Log();
            try (BridgeClient c = BridgeClient.builder(server.uri()).transports(TransportKind.POLLING).listener(log).build()) {
                c.connect().get(10, TimeUnit.SECONDS);
                c.send("hello").get(20, TimeUnit.SECONDS);
                assertThat(c.state()).isNotEqualTo(BridgeClient.State.CLOSED);
                assertThat(server.requests.stream().filter(r -> r.contains("[1,\"hello\"]"))).hasSizeGreaterThanOrEqualTo(2);
            }
        }
    }
}
