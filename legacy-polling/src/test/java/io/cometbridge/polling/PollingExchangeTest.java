package io.cometbridge.polling;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cometbridge.session.BridgeConfig;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One request per polling round trip (PROTOCOL.md section 4): a {@code recv} whose batch carries
 * data frames delivers them and is then held as a receive, so an echo comes back in its answer,
 * acknowledged; the two-request flow of older clients keeps working beside it.
 */
class PollingExchangeTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private TestServer server;
    private String sid;
    private String key;

    @AfterEach
    void stop() throws Exception {
        if (server != null) server.close();
    }

    private void start(RecordingApp.Mode mode) throws Exception {
        BridgeConfig config = TestServer.config().build();
        server = new TestServer(new RecordingApp(mode), config, List.of(new LongPollingModule()));
        HttpResponse<String> r = post("attach", "{\"t\":\"attach\",\"last\":0}").join();
        JsonObject open = JsonParser.parseString(r.body()).getAsJsonArray().get(0).getAsJsonObject();
        sid = open.get("sid").getAsString();
        key = open.get("key").getAsString();
    }

    private CompletableFuture<HttpResponse<String>> post(String endpoint, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.uri() + "/poll/" + endpoint))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (sid != null) b.header("X-Bridge-Session", sid).header("X-Bridge-Key", key);
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonArray batch(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JsonParser.parseString(r.body()).getAsJsonArray();
    }

    private static long ackIn(JsonArray batch) {
        long ack = -1;
        for (JsonElement f : batch) {
            if (f.isJsonObject() && f.getAsJsonObject().get("t").getAsString().equals("ack")) {
                ack = Math.max(ack, f.getAsJsonObject().get("a").getAsLong());
            }
        }
        return ack;
    }

    @Test
    void anEchoCostsOneRequestAndItsAnswerAcknowledgesTheMessage() throws Exception {
        start(RecordingApp.Mode.ECHO);
        JsonArray answer = batch(post("recv", "[[1,\"hello\",0]]").get());
        assertThat(answer.get(0).toString()).isEqualTo("[1,\"hello\"]");
        assertThat(ackIn(answer)).isEqualTo(1);

        // the next exchange acknowledges the echo and carries the next message
        JsonArray second = batch(post("recv", "[[2,\"again\"],{\"t\":\"ack\",\"a\":1}]").get());
        assertThat(second.get(0).toString()).isEqualTo("[2,\"again\"]");
        assertThat(ackIn(second)).isEqualTo(2);
        assertThat(server.app.received.get(sid)).hasSize(2);
    }

    @Test
    void withoutAnAnswerFromTheApplicationTheExchangeIsAnsweredWithTheAcknowledgementAtOnce() throws Exception {
        start(RecordingApp.Mode.RECORD);
        JsonArray answer = batch(post("recv", "[[1,\"x\"],[2,\"y\"],{\"t\":\"ack\",\"a\":0}]").get());
        assertThat(answer.toString()).isEqualTo("[{\"t\":\"ack\",\"a\":2}]");
        assertThat(server.app.received.get(sid)).hasSize(2);
    }

    @Test
    void anExchangeReleasesAHeldReceiveWithAnAnswerNotAConflict() throws Exception {
        start(RecordingApp.Mode.ECHO);
        CompletableFuture<HttpResponse<String>> held = post("recv", "[{\"t\":\"ack\",\"a\":0}]");
        // the first receive is held (nothing to say) until the exchange replaces it
        Thread.sleep(200); // let the first request be parked before the second arrives (order, not timing, is checked)
        JsonArray answer = batch(post("recv", "[[1,\"hi\",0]]").get());
        assertThat(batch(held.get()).size()).isZero();
        assertThat(answer.get(0).toString()).isEqualTo("[1,\"hi\"]");
        assertThat(ackIn(answer)).isEqualTo(1);
    }

    @Test
    void theTwoRequestFlowStillWorks() throws Exception {
        start(RecordingApp.Mode.ECHO);
        CompletableFuture<HttpResponse<String>> recv = post("recv", "[{\"t\":\"ack\",\"a\":0}]");
        Thread.sleep(200);
        JsonArray sent = batch(post("send", "[[1,\"old\"]]").get());
        assertThat(ackIn(sent)).isEqualTo(1);
        assertThat(batch(recv.get()).get(0).toString()).isEqualTo("[1,\"old\"]");
    }

    @Test
    void aReceiveWithoutAnyAcknowledgementIsStillMalformed() throws Exception {
        start(RecordingApp.Mode.ECHO);
        HttpResponse<String> r = post("recv", "[[1,\"x\"]]").get();
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"malformed\"");
    }

    @Test
    void aSameOriginAnswerCarriesNoCorsHeadersACrossOriginOneDoes() throws Exception {
        start(RecordingApp.Mode.ECHO);
        String self = "http://127.0.0.1:" + server.uri().getPort();
        HttpResponse<String> same = http.send(HttpRequest.newBuilder(URI.create(server.uri() + "/poll/attach"))
                .header("Content-Type", "application/json").header("Origin", self)
                .POST(HttpRequest.BodyPublishers.ofString("{\"t\":\"attach\",\"last\":0}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(same.statusCode()).isEqualTo(200);
        assertThat(same.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(same.headers().firstValue("Vary")).isEmpty();
    }
}
