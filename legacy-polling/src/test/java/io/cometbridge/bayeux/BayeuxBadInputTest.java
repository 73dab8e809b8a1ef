package io.cometbridge.bayeux;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.polling.LongPollingModule;
import io.cometbridge.testing.ClientLog;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bad Bayeux input gets the Bayeux error form ({@code successful:false, error:"code::text"}) with a
 * documented HTTP status, and leaves other sessions (a native client chatting throughout) untouched.
 * docs/BAD_INPUT.md lists the rows (B1-B14).
 */
class BayeuxBadInputTest {
    private TestServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private BridgeClient bystander;
    private final ClientLog bystanderLog = new ClientLog();

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(new RecordingApp(RecordingApp.Mode.ECHO),
                TestServer.config().maxBatchFrames(20).maxMessageBytes(1000).build(),
                List.of(new LongPollingModule(), new BayeuxModule()));
        bystander = BridgeClient.builder(server.uri()).listener(bystanderLog).build();
        bystander.connect().get();
    }

    @AfterEach
    void stop() throws Exception {
        // The native session saw none of it and still works.
        bystander.send("still here").get();
        await().until(() -> bystanderLog.texts().contains("still here"));
        assertThat(bystanderLog.closes).isEmpty();
        bystander.close();
        server.close();
    }

    private HttpResponse<String> post(String body, String contentType) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.uri() + "/cometd")).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) b.header("Content-Type", contentType);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonObject only(HttpResponse<String> r) {
        JsonArray a = JsonParser.parseString(r.body()).getAsJsonArray();
        assertThat(a).hasSize(1);
        JsonObject o = a.get(0).getAsJsonObject();
        assertThat(o.get("successful").getAsBoolean()).isFalse();
        return o;
    }

    private String handshake() throws Exception {
        HttpResponse<String> r = post("[{\"id\":\"1\",\"channel\":\"/meta/handshake\",\"version\":\"1.0\","
                + "\"supportedConnectionTypes\":[\"long-polling\"]}]", "application/json");
        return JsonParser.parseString(r.body()).getAsJsonArray().get(0).getAsJsonObject().get("clientId").getAsString();
    }

    @Test
    void notJson_isA400InBayeuxForm() throws Exception {
        HttpResponse<String> r = post("[{\"channel\":", "application/json");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(only(r).get("error").getAsString()).startsWith("400::");
    }

    @Test
    void wrongShapes_areRefusedPerMessageOrWhole() throws Exception {
        assertThat(post("42", "application/json").statusCode()).isEqualTo(400);
        assertThat(post("[]", "application/json").statusCode()).isEqualTo(400);
        assertThat(post("[1,2]", "application/json").statusCode()).isEqualTo(400);
        HttpResponse<String> r = post("[{\"id\":\"7\",\"data\":1}]", "application/json"); // no channel
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(only(r).get("error").getAsString()).isEqualTo("400::message without a channel");
        assertThat(only(post("[{\"channel\":\"no slash\"}]", "application/json")).get("error").getAsString())
                .isEqualTo("400::invalid channel name");
    }

    @Test
    void unknownClient_subscribeWithoutHandshake_is402WithHandshakeAdvice() throws Exception {
        JsonObject o = only(post("[{\"id\":\"2\",\"channel\":\"/meta/subscribe\",\"subscription\":\"/a\",\"clientId\":\"nope\"}]",
                "application/json"));
        assertThat(o.get("error").getAsString()).isEqualTo("402::unknown client");
        assertThat(o.getAsJsonObject("advice").get("reconnect").getAsString()).isEqualTo("handshake");
        assertThat(o.get("id").getAsString()).isEqualTo("2");
        // A native session's id is no Bayeux client either.
        o = only(post("[{\"channel\":\"/meta/connect\",\"connectionType\":\"long-polling\",\"clientId\":\""
                + bystander.sessionId() + "\"}]", "application/json"));
        assertThat(o.get("error").getAsString()).startsWith("402::");
    }

    @Test
    void unknownMetaChannel_wildcardPublish_metaSubscribe_missingData() throws Exception {
        String id = handshake();
        assertThat(only(post("[{\"channel\":\"/meta/bogus\",\"clientId\":\"" + id + "\"}]", "application/json"))
                .get("error").getAsString()).isEqualTo("400::unknown meta channel");
        assertThat(only(post("[{\"channel\":\"/chat/*\",\"data\":1,\"clientId\":\"" + id + "\"}]", "application/json"))
                .get("error").getAsString()).isEqualTo("400::cannot publish to a wildcard channel");
        assertThat(only(post("[{\"channel\":\"/meta/subscribe\",\"subscription\":\"/meta/connect\",\"clientId\":\"" + id + "\"}]",
                "application/json")).get("error").getAsString()).startsWith("403::");
        assertThat(only(post("[{\"channel\":\"/chat\",\"clientId\":\"" + id + "\"}]", "application/json"))
                .get("error").getAsString()).isEqualTo("400::publish without data");
        assertThat(only(post("[{\"channel\":\"/chat\",\"data\":\"" + "x".repeat(2000) + "\",\"clientId\":\"" + id + "\"}]",
                "application/json")).get("error").getAsString()).startsWith("413::");
        // The client's session is fine after all of that: a publish still goes through.
        HttpResponse<String> ok = post("[{\"id\":\"9\",\"channel\":\"/chat\",\"data\":{\"a\":1},\"clientId\":\"" + id + "\"}]", "application/json");
        assertThat(ok.body()).contains("\"successful\":true");
    }

    @Test
    void oversizedBatch_tooManyMessages_is413InBayeuxForm() throws Exception {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < 21; i++) b.append(i == 0 ? "" : ",").append("{\"channel\":\"/a\",\"data\":1}");
        HttpResponse<String> r = post(b.append("]").toString(), "application/json");
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(only(r).get("error").getAsString()).startsWith("413::");
    }

    @Test
    void handshakeWithoutAUsableConnectionType_orVersion() throws Exception {
        JsonObject o = only(post("[{\"channel\":\"/meta/handshake\",\"version\":\"1.0\",\"supportedConnectionTypes\":[\"callback-polling\"]}]",
                "application/json"));
        assertThat(o.get("error").getAsString()).isEqualTo("400::unsupported connection types");
        assertThat(o.getAsJsonArray("supportedConnectionTypes").toString()).isEqualTo("[\"websocket\",\"long-polling\"]");
        o = only(post("[{\"channel\":\"/meta/handshake\",\"supportedConnectionTypes\":[\"long-polling\"]}]", "application/json"));
        assertThat(o.get("error").getAsString()).isEqualTo("400::handshake without a version");
    }

    @Test
    void wrongContentType_method_andForeignOrigin() throws Exception {
        assertThat(post("[]", "text/plain").statusCode()).isEqualTo(415);
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(server.uri() + "/cometd")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(only(get).get("error").getAsString()).startsWith("405::");
        HttpResponse<String> foreign = http.send(HttpRequest.newBuilder(URI.create(server.uri() + "/cometd"))
                .header("Origin", "https://evil.example").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[]")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(only(foreign).get("error").getAsString()).startsWith("403::");
    }

    @Test
    void clientIdsAreUnguessable() throws Exception {
        String a = handshake(), b = handshake();
        assertThat(a).isNotEqualTo(b).hasSizeGreaterThanOrEqualTo(24); // the session id: 144 random bits
    }
}
