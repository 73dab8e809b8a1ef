package io.cometbridge.polling;

import com.google.gson.JsonParser;
import io.cometbridge.api.BridgeSession;
import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.testing.ClientLog;
import io.cometbridge.testing.RawWebSocket;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 9, item 3: knowing a session id is not enough to take the session over or to corrupt it.
 * Someone who has the id (from a log, a screenshot) but not the resume key gets the answer an
 * unknown session gets, sees none of its messages, and cannot write into it; the real client
 * carries on untouched.
 */
class TakeoverTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(new RecordingApp(RecordingApp.Mode.RECORD), TestServer.config().build(), List.of(new LongPollingModule()));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private HttpResponse<String> post(String endpoint, String sid, String key, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.uri() + "/poll/" + endpoint))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (sid != null) b.header("X-Bridge-Session", sid);
        if (key != null) b.header("X-Bridge-Key", key);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theSessionIdAloneNeitherResumesNorReadsNorWrites() throws Exception {
        ClientLog log = new ClientLog();
        try (BridgeClient victim = BridgeClient.builder(server.uri()).transports(TransportKind.POLLING).listener(log).build()) {
            victim.connect().get(10, TimeUnit.SECONDS);
            String sid = victim.sessionId();
            BridgeSession onServer = server.app.session(sid);
            onServer.send("for the victim only").get(10, TimeUnit.SECONDS);

            // Attach with the id alone, over both transports: refused like an unknown session, no replay.
            String attach = "{\"t\":\"attach\",\"sid\":\"" + sid + "\",\"last\":0}";
            HttpResponse<String> polling = post("attach", null, null, attach);
            assertThat(polling.statusCode()).isEqualTo(404);
            assertThat(polling.body()).contains("unknown_session").doesNotContain("for the victim only");
            try (RawWebSocket ws = new RawWebSocket(server.port(), "/bridge/ws", null)) {
                ws.sendText(attach);
                String answer = ws.read().text();
                assertThat(answer).contains("unknown_session").doesNotContain("for the victim only");
            }
            // A guessed key is no better.
            assertThat(post("attach", null, null, attach.replace("\"last\"", "\"key\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"last\"")).statusCode()).isEqualTo(404);

            // Writing the victim's next message, or reading its messages, with the id alone.
            HttpResponse<String> inject = post("send", sid, null, "[[1,\"forged\"]]");
            assertThat(inject.statusCode()).isEqualTo(404);
            HttpResponse<String> read = post("recv", sid, "AAAAAAAAAAAAAAAAAAAAAA", "[{\"t\":\"ack\",\"a\":0}]");
            assertThat(read.statusCode()).isEqualTo(404);

            // The victim's own first message is delivered, not dropped as a duplicate of the forgery.
            victim.send("genuine").get(10, TimeUnit.SECONDS);
            await().until(() -> server.app.receivedBy(sid).size() == 1);
            assertThat(server.app.receivedBy(sid).get(0).text()).isEqualTo("genuine");
            assertThat(victim.state()).isEqualTo(BridgeClient.State.OPEN);
            assertThat(log.sessionsLost).isEmpty();
        }
    }

    @Test
    void theSameSequenceNumberWithOtherContentIsNotADuplicate() throws Exception {
        HttpResponse<String> attached = post("attach", null, null, "{\"t\":\"attach\",\"last\":0}");
        var open = JsonParser.parseString(attached.body()).getAsJsonArray().get(0).getAsJsonObject();
        String sid = open.get("sid").getAsString(), key = open.get("key").getAsString();
        assertThat(post("send", sid, key, "[[1,\"original\"]]").statusCode()).isEqualTo(200);
        assertThat(post("send", sid, key, "[[1,\"original\"]]").statusCode()).as("a true resend").isEqualTo(200);
        HttpResponse<String> divergent = post("send", sid, key, "[[1,\"something else\"]]");
        assertThat(divergent.statusCode()).isEqualTo(400);
        assertThat(divergent.body()).contains("bad_sequence");
        assertThat(server.app.receivedBy(sid)).hasSize(1);
    }
}
