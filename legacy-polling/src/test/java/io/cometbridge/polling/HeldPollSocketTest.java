package io.cometbridge.polling;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cometbridge.session.Session;
import io.cometbridge.testing.RawHttp;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The socket of a held receive. A client that closes it: the server learns it from the connection
 * (not from the poll timeout, a minute away here) and forgets the held request, so the session's
 * liveness no longer rests on a poll nobody will read. A client that sends its next request on it
 * before the answer (HTTP/1.1 pipelining): that request is kept and answered after the held one.
 */
class HeldPollSocketTest {
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(new RecordingApp(RecordingApp.Mode.RECORD), TestServer.config()
                .pollTimeout(Duration.ofSeconds(60)).build(), List.of(new LongPollingModule()));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void aHeldReceiveWhoseSocketClosesIsForgotten() throws Exception {
        RawHttp.Response attach = RawHttp.post(server.port(), "/bridge/poll/attach", "127.0.0.1", "", "{\"t\":\"attach\",\"last\":0}");
        JsonObject open = JsonParser.parseString(attach.body()).getAsJsonArray().get(0).getAsJsonObject();
        String sid = open.get("sid").getAsString(), key = open.get("key").getAsString();
        Session session = server.bridge.find(sid);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            String body = "[{\"t\":\"ack\",\"a\":0}]";
            OutputStream out = s.getOutputStream();
            out.write(("POST /bridge/poll/recv HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "X-Bridge-Session: " + sid + "\r\nX-Bridge-Key: " + key + "\r\nContent-Length: " + body.length() + "\r\n\r\n"
                    + body).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> holdsRequest(session, key));
            assertThat(server.bridge.totals().pollHolds()).isZero();
        } // the client goes away with its receive held
        await().atMost(Duration.ofSeconds(10)).until(() -> !holdsRequest(session, key));
        assertThat(server.bridge.totals().pollHolds()).isEqualTo(1); // the hold ended, without an answer
        assertThat(server.app.closed).doesNotContainKey(sid); // the session waits for the client's next request
    }

    @Test
    void aRequestPipelinedBehindAHeldReceiveIsAnsweredAfterIt() throws Exception {
        RawHttp.Response attach = RawHttp.post(server.port(), "/bridge/poll/attach", "127.0.0.1", "", "{\"t\":\"attach\",\"last\":0}");
        JsonObject open = JsonParser.parseString(attach.body()).getAsJsonArray().get(0).getAsJsonObject();
        String sid = open.get("sid").getAsString(), key = open.get("key").getAsString();
        Session session = server.bridge.find(sid);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(request("recv", sid, key, "[{\"t\":\"ack\",\"a\":0}]"));
            out.flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> holdsRequest(session, key));
            out.write(request("send", sid, key, "[[1,\"pipelined\"]]"));
            out.flush();
            // Lets the watch of the held receive read the pipelined bytes first (if it has not, the
            // connection reads them after the answer: the same outcome by the ordinary path).
            Thread.sleep(300);
            session.send("to the held receive");
            RawHttp.Response held = RawHttp.read(s.getInputStream());
            assertThat(held.status()).as(held.raw()).isEqualTo(200);
            assertThat(held.body()).contains("to the held receive");
            RawHttp.Response pipelined = RawHttp.read(s.getInputStream());
            assertThat(pipelined.status()).as(pipelined.raw()).isEqualTo(200);
            assertThat(pipelined.body()).isEqualTo("[{\"t\":\"ack\",\"a\":1}]");
        }
        assertThat(server.app.receivedBy(sid)).hasSize(1);
    }

    private static byte[] request(String endpoint, String sid, String key, String body) {
        return ("POST /bridge/poll/" + endpoint + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "X-Bridge-Session: " + sid + "\r\nX-Bridge-Key: " + key + "\r\nContent-Length: " + body.length() + "\r\n\r\n"
                + body).getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether the session's polling transport holds a receive (asked on the session's executor). */
    private static boolean holdsRequest(Session session, String key) throws Exception {
        CompletableFuture<Boolean> holds = new CompletableFuture<>();
        session.withTransport(PollingTransport.class, key, t -> holds.complete(t.holdsRequest()), holds::completeExceptionally);
        return holds.get(5, TimeUnit.SECONDS);
    }
}
