package io.cometbridge.polling;

import com.google.gson.JsonParser;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9 item 9 under load: thousands of polling sessions, each with a held recv, then every one
 * sends small complete bodies at once, several rounds. Every send is answered 200: none gets
 * 400 "request body incomplete" (see SlowSmallBodyTest for the cause).
 */
class PollingSendsUnderLoadTest {
    static final int SESSIONS = Integer.getInteger("load.sessions", 2000);
    static final int ROUNDS = 3;
    private TestServer server;
    private final List<HttpClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(new RecordingApp(RecordingApp.Mode.RECORD),
                TestServer.config().pollTimeout(Duration.ofSeconds(30)).build(), List.of(new LongPollingModule()));
        for (int i = 0; i < 4; i++) clients.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        clients.clear(); // Java 17 HttpClients have no close(); their connections go with them
    }

    private HttpRequest post(String endpoint, String sid, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.uri() + "/poll/" + endpoint)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (sid != null) b.header("X-Bridge-Session", sid).header("X-Bridge-Key", keys.get(sid));
        return b.build();
    }

    /** Each session's resume key (its polling requests present it). */
    private final Map<String, String> keys = new ConcurrentHashMap<>();

    @Test
    void smallSendsAreAllAcceptedWhileThousandsOfPollsAreHeld() throws Exception {
        Map<String, Integer> failures = new ConcurrentHashMap<>();
        List<String> sids = new ArrayList<>();
        Semaphore inFlight = new Semaphore(200);
        List<CompletableFuture<String>> attaches = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            inFlight.acquire();
            attaches.add(clients.get(i % clients.size()).sendAsync(post("attach", null, "{\"t\":\"attach\",\"last\":0}"),
                            HttpResponse.BodyHandlers.ofString())
                    .whenComplete((r, e) -> inFlight.release())
                    .thenApply(r -> {
                        if (r.statusCode() == 200) {
                            var open = JsonParser.parseString(r.body()).getAsJsonArray().get(0).getAsJsonObject();
                            keys.put(open.get("sid").getAsString(), open.get("key").getAsString());
                            return open.get("sid").getAsString();
                        }
                        failures.merge("attach " + r.statusCode() + " " + r.body(), 1, Integer::sum);
                        return null;
                    }));
        }
        for (CompletableFuture<String> f : attaches) {
            String sid = f.get(60, TimeUnit.SECONDS);
            if (sid != null) sids.add(sid);
        }
        // Every session holds a recv, as a real polling client does.
        List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
        for (int i = 0; i < sids.size(); i++) {
            held.add(clients.get(i % clients.size()).sendAsync(post("recv", sids.get(i), "[{\"t\":\"ack\",\"a\":0}]"),
                    HttpResponse.BodyHandlers.ofString()));
        }
        AtomicInteger ok = new AtomicInteger();
        for (int round = 1; round <= ROUNDS; round++) {
            List<CompletableFuture<Void>> sends = new ArrayList<>();
            for (int i = 0; i < sids.size(); i++) {
                String body = "[[" + round + ",\"m" + round + "\"]]";
                sends.add(clients.get(i % clients.size()).sendAsync(post("send", sids.get(i), body), HttpResponse.BodyHandlers.ofString())
                        .thenAccept(r -> {
                            if (r.statusCode() == 200) ok.incrementAndGet();
                            else failures.merge("send " + r.statusCode() + " " + r.body(), 1, Integer::sum);
                        }));
            }
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        }
        System.out.println("[load] " + SESSIONS + " sessions, " + ROUNDS + " rounds of sends: " + ok.get() + " x 200, failures " + failures);
        assertThat(failures).as("answers other than 200").isEmpty();
        assertThat(ok.get()).isEqualTo(SESSIONS * ROUNDS);
        held.forEach(f -> f.cancel(true));
    }
}
