package io.cometbridge.samples.scaleout;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cometbridge.samples.browser.Chromium;
import io.cometbridge.testing.RedisProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The browser client against several nodes, in real headless Chromium: three bridge JVMs on a real
 * redis-server behind a real round-robin nginx, which also serves the page and client.js (so the
 * page's origin is the one the nodes see as their own). The page holds two sessions, one forced on
 * WebSocket, one on long-polling, each sending numbered messages the application echoes. While they
 * flow, the node that owns the WebSocket session is killed (-9), then the node that owns the
 * polling session is drained (SIGTERM). Every echo must arrive exactly once and in order, on the
 * session each began with, on its transport, and each session must have moved to another node.
 */
class ScaleOutBrowserTest {
    private static final int MESSAGES = 400;
    private static final int EVERY_MS = 25; // 10 s of messages: the kill and the drain land mid-stream

    @Test
    void browserSessionsSurviveAKilledNodeAndADrainedOneExactlyOnceInOrder() throws Exception {
        assertTrue(RedisProcess.installed(), "redis-server is not installed (scripts/install-test-deps.sh)");
        assertTrue(Files.isExecutable(Path.of(Cluster.NGINX)), "nginx is not installed (scripts/install-test-deps.sh)");
        assertTrue(Chromium.available(), "chromium and chromium-driver are not installed (scripts/install-test-deps.sh)");
        try (Cluster cluster = Cluster.start(3); Chromium browser = new Chromium(null)) {
            cluster.publish("client.js", classpath("io/cometbridge/client-js/client.js"));
            URI page = cluster.publish("browser.html", classpath("scaleout/browser.html"));
            browser.driver.get(page.toString());
            awaitIds(browser, cluster, 1);
            String wsSession = ids(browser, "websocket").get(0), pollSession = ids(browser, "polling").get(0);
            int wsOwner = cluster.owner(wsSession), pollOwnerAtStart = cluster.owner(pollSession);
            assertThat(wsOwner).as("the WebSocket session's node").isNotNegative();

            browser.script("t.start(arguments[0], arguments[1])", MESSAGES, EVERY_MS);
            awaitEchoes(browser, cluster, MESSAGES / 5);
            cluster.kill(wsOwner); // kill -9 of the WebSocket session's node, mid-stream
            awaitEchoes(browser, cluster, MESSAGES / 2); // both sessions carry on elsewhere
            cluster.restart(wsOwner);
            int pollOwner = cluster.owner(pollSession);
            assertThat(pollOwner).as("the polling session's node").isNotNegative();
            long drainMs = cluster.stop(pollOwner); // SIGTERM: the node drains, its sessions move
            awaitEchoes(browser, cluster, MESSAGES);

            browser.script("t.websocket.sock.send('i'); t.polling.sock.send('i')");
            awaitIds(browser, cluster, 2);
            Thread.sleep(500); // a duplicate would come in now
            List<String> expected = new ArrayList<>();
            for (int n = 0; n < MESSAGES; n++) expected.add("m" + n);
            for (String transport : List.of("websocket", "polling")) {
                JsonObject v = view(browser, transport);
                assertThat(texts(v.getAsJsonArray("echoes"))).as(transport + " echoes, each once, in order; log " + v.get("log"))
                        .isEqualTo(expected);
                assertThat(ids(browser, transport)).as(transport + " session id before and after").hasSize(2)
                        .satisfies(ids -> assertThat(ids.get(1)).isEqualTo(ids.get(0)));
                assertThat(v.getAsJsonArray("lost")).as(transport + " sessions lost").isEmpty();
                assertThat(v.get("closed").isJsonNull()).as(transport + " closed: " + v.get("closed")).isTrue();
                assertThat(v.get("transport").getAsString()).isEqualTo(transport);
            }
            int wsOwnerNow = cluster.owner(wsSession), pollOwnerNow = cluster.owner(pollSession);
            assertThat(wsOwnerNow).as("WebSocket session taken over by another node").isNotIn(-1, wsOwner);
            assertThat(pollOwnerNow).as("polling session taken over by another node").isNotIn(-1, pollOwner);
            System.out.printf("ScaleOutBrowserTest: 2 browser sessions x %d messages (websocket on node %d, killed -9; polling on node %d,"
                            + " drained in %d ms; started on node %d): every echo once, in order; now on nodes %d and %d;"
                            + " client-side duplicates dropped: websocket %s, polling %s%n",
                    MESSAGES, wsOwner, pollOwner, drainMs, pollOwnerAtStart, wsOwnerNow, pollOwnerNow,
                    view(browser, "websocket").get("duplicates"), view(browser, "polling").get("duplicates"));
        }
    }

    /** Waits until both sessions have answered "i" {@code n} times. */
    private static void awaitIds(Chromium browser, Cluster cluster, int n) {
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> ids(browser, "websocket").size() == n && ids(browser, "polling").size() == n);
        } catch (RuntimeException e) {
            throw new AssertionError("waiting for the session ids: page errors " + browser.script("return JSON.stringify(window.pageErrors)")
                    + "\nwebsocket " + view(browser, "websocket") + "\npolling " + view(browser, "polling") + "\n" + cluster.diagnostics(), e);
        }
    }

    /** Waits until both sessions have {@code n} echoes; on timeout, says what each has and what the nodes logged. */
    private static void awaitEchoes(Chromium browser, Cluster cluster, int n) {
        try {
            await().atMost(Duration.ofSeconds(40)).until(() -> echoes(browser, "websocket") >= n && echoes(browser, "polling") >= n);
        } catch (RuntimeException e) {
            throw new AssertionError("waiting for " + n + " echoes each: websocket " + view(browser, "websocket")
                    + "\npolling " + view(browser, "polling") + "\n" + cluster.diagnostics(), e);
        }
    }

    private static int echoes(Chromium browser, String transport) {
        return ((Number) browser.script("return t." + transport + ".echoes.length")).intValue();
    }

    private static List<String> ids(Chromium browser, String transport) {
        return texts(view(browser, transport).getAsJsonArray("ids"));
    }

    private static JsonObject view(Chromium browser, String transport) {
        Object json = browser.script("return window.t ? t.view(arguments[0]) : null", transport);
        return json == null ? JsonParser.parseString("{\"ids\":[],\"echoes\":[]}").getAsJsonObject()
                : JsonParser.parseString((String) json).getAsJsonObject();
    }

    private static List<String> texts(JsonArray a) {
        List<String> out = new ArrayList<>();
        a.forEach(e -> out.add(e.getAsString()));
        return out;
    }

    private static byte[] classpath(String resource) throws IOException {
        try (InputStream in = ScaleOutBrowserTest.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("not on the classpath: " + resource);
            return in.readAllBytes();
        }
    }
}
