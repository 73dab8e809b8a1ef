package io.cometbridge.samples.browser;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.polling.LongPollingModule;
import io.cometbridge.protocol.Message;
import io.cometbridge.server.BridgeServer;
import io.cometbridge.session.Bridge;
import io.cometbridge.session.BridgeConfig;
import io.cometbridge.testing.ClientLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The browser client in real headless Chromium, through real proxies, chatting with the Java client
 * (issue 3). Each case logs one table line: the transport reached and the time from page load
 * (navigation start) to the first message.
 */
class BrowserDegradationTest {
    private static final List<String> TABLE = new CopyOnWriteArrayList<>();
    private static final Duration PAGE = Duration.ofSeconds(20);

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private BridgeServer server;
    private DemoChatApp app;

    @BeforeAll
    static void requireBrowser() {
        assertTrue(Chromium.available(), "chromium and chromium-driver are not installed (scripts/install-test-deps.sh)");
    }

    @AfterAll
    static void printTable() {
        System.out.println("[browser] case                              | transport | first message | after client start | fallback reason / notes");
        TABLE.forEach(System.out::println);
    }

    @AfterEach
    void stopEverything() throws Exception {
        Exception first = null;
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }

    private <T extends AutoCloseable> T use(T resource) {
        resources.push(resource);
        return resource;
    }

    // ================================================================ the cases

    @Test
    void direct_landsOnWebSocket() throws Exception {
        startBridge(List.of());
        Chromium browser = use(new Chromium(null));
        JsonObject state = openDemo(browser, pageUrl(""));
        chatBothWays(browser);

        assertThat(str(state, "transport")).isEqualTo("websocket");
        assertThat(state.get("fallbackReason").isJsonNull()).isTrue();
        record("direct", state);
        screenshot(browser, "direct-websocket");
    }

    @Test
    void squidWithDefaultRules_refusesConnect_landsOnPollingAndRemembersIt() throws Exception {
        assertTrue(ProxyProcess.installed("/usr/sbin/squid"), "squid is not installed");
        startBridge(List.of());
        ProxyProcess squid = use(ProxyProcess.squid());
        Chromium browser = use(new Chromium(squid.address()));

        JsonObject state = openDemo(browser, pageUrl(""));
        chatBothWays(browser);
        assertThat(str(state, "transport")).isEqualTo("polling");
        assertThat(str(state, "fallbackReason")).startsWith("websocket_unreachable");
        record("squid (default rules)", state);

        // Squid's own log: the WebSocket tunnel was refused, the page and the polls went through it.
        String bridge = "127.0.0.1:" + server.port();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(squid.accessLog())
                .anyMatch(l -> l.contains("TCP_DENIED/403") && l.contains("CONNECT " + bridge))
                .anyMatch(l -> l.contains("GET http://" + bridge + "/?"))
                .anyMatch(l -> l.contains("POST http://" + bridge + "/bridge/poll/attach"))
                .anyMatch(l -> l.contains("POST http://" + bridge + "/bridge/poll/recv"))); // messages ride in recv exchanges
        System.out.println("[browser] squid access log:\n  " + String.join("\n  ", squid.accessLog()));

        // The next load remembers that polling worked here and starts on it at once.
        JsonObject again = openDemo(browser, pageUrl("&reload=1"));
        assertThat(str(again, "transport")).isEqualTo("polling");
        assertThat(again.getAsJsonArray("log").toString()).contains("establish: polling > websocket");
        chatBothWays(browser);
        record("squid, next load (remembered)", again);
    }

    @Test
    void nginxPlainProxyPass_dropsUpgrade_landsOnPollingWithTheServersReason() throws Exception {
        assertTrue(ProxyProcess.installed("/usr/sbin/nginx"), "nginx is not installed");
        int nginxPort = TempDirs.freePort();
        startBridge(List.of("http://127.0.0.1:" + nginxPort)); // the page's origin is nginx's
        ProxyProcess nginx = use(ProxyProcess.nginx(nginxPort, server.port()));
        Chromium browser = use(new Chromium(null));

        JsonObject state = openDemo(browser, "http://" + nginx.address() + "/?name=browser");
        chatBothWays(browser);
        assertThat(str(state, "transport")).isEqualTo("polling");
        // The server saw the handshake arrive without Upgrade and told the page over its polling session.
        await().atMost(Duration.ofSeconds(5)).until(() -> "server".equals(str(browser.demoState(), "fallbackSource")));
        state = browser.demoState();
        assertThat(str(state, "fallbackReason")).startsWith("upgrade_stripped").contains("HTTP/1.0");
        assertThat(browser.driver.findElement(By.id("fallback")).getText()).startsWith("upgrade_stripped");
        record("nginx plain proxy_pass", state);
        screenshot(browser, "nginx-polling");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(nginx.accessLog())
                .anyMatch(l -> l.contains("\"GET /bridge/ws?n=") && l.contains("\" 426 "))
                .anyMatch(l -> l.contains("\"POST /bridge/poll/recv HTTP/1.1\" 200 "))); // messages ride in recv exchanges
        System.out.println("[browser] nginx access log (first lines):\n  "
                + String.join("\n  ", nginx.accessLog().subList(0, Math.min(8, nginx.accessLog().size()))));
    }

    /** Issue 9 item 5: nginx with the README's settings rewrites Host; trusted, it is no obstacle. */
    @Test
    void nginxWithReadmeSettings_trustedProxy_landsOnWebSocket() throws Exception {
        assertTrue(ProxyProcess.installed("/usr/sbin/nginx"), "nginx is not installed");
        startBridge(List.of(), List.of("127.0.0.1")); // no allowlist: the page's origin is the forwarded one
        ProxyProcess nginx = use(ProxyProcess.nginx("nginx-trusted.conf", TempDirs.freePort(), server.port()));
        Chromium browser = use(new Chromium(null));

        JsonObject state = openDemo(browser, "http://" + nginx.address() + "/?name=browser");
        chatBothWays(browser);
        assertThat(str(state, "transport")).isEqualTo("websocket");
        assertThat(state.get("fallbackReason").isJsonNull()).isTrue();
        record("nginx, README settings, trusted", state);
        // nginx logs a WebSocket only when its tunnel ends; the page requests went through it.
        assertThat(nginx.accessLog()).anyMatch(l -> l.contains("\"GET /?name=browser") && l.contains("\" 200 "));
    }

    @Test
    void proxyThatUpgradesThenBlackholes_fallsBackWithinTheTrustTimeout() throws Exception {
        startBridge(List.of());
        TestProxy proxy = use(new TestProxy(TestProxy.Policy.BLACKHOLE_AFTER_UPGRADE));
        Chromium browser = use(new Chromium(proxy.address()));
        int trustTimeout = 4000;

        JsonObject state = openDemo(browser, pageUrl("&trustTimeout=" + trustTimeout));
        assertThat(str(state, "transport")).isEqualTo("polling");
        // Polling started beside the silent socket after parallelDelay: no waiting out the trust timeout.
        assertThat(state.get("firstMessageMs").getAsLong()).isLessThan(trustTimeout);
        chatBothWays(browser);
        // At the trust timeout the socket is given up, with the client's own reason.
        await().atMost(Duration.ofMillis(trustTimeout + 3000))
                .until(() -> String.valueOf(str(browser.demoState(), "fallbackReason")).startsWith("websocket_silent"));
        state = browser.demoState();
        record("upgrade-then-blackhole proxy", state);
        assertThat(proxy.accessLog).anyMatch(l -> l.contains("HTTP/1.1 101"));
        assertThat(proxy.accessLog).anyMatch(l -> l.startsWith("POST http://127.0.0.1:" + server.port() + "/bridge/poll/"));
    }

    @Test
    void blockingProxyTakenAwayMidSession_movesUpToWebSocket_nothingLostOrDuplicated() throws Exception {
        startBridge(List.of());
        TestProxy proxy = use(new TestProxy(TestProxy.Policy.REFUSE));
        Chromium browser = use(new Chromium(proxy.address()));
        JsonObject state = openDemo(browser, pageUrl("&probeDelay=400&probeMaxDelay=800"));
        assertThat(str(state, "transport")).isEqualTo("polling");
        record("blocking proxy (before unblock)", state);

        ClientLog javaLog = new ClientLog();
        BridgeClient java = javaClient(javaLog);
        int n = 150;
        // Both sides send sequence-tagged chat lines every 20 ms while the proxy changes its mind.
        browser.script("window.pumped = 0; window.pump = setInterval(() => { if (window.pumped >= arguments[0])"
                + " clearInterval(window.pump); else demo.sendChat('browser', 'b-' + ++window.pumped); }, 20);", n);
        Thread sender = new Thread(() -> {
            for (int i = 1; i <= n; i++) {
                java.send(chat("java", "j-" + i));
                sleep(20);
            }
        });
        sender.start();
        // A quarter of the traffic on polling, then the proxy stops blocking; the rest overlaps the move.
        await().atMost(Duration.ofSeconds(10)).until(() -> ((Number) browser.script("return window.pumped")).intValue() >= n / 4);
        long unblocked = System.nanoTime();
        proxy.policy(TestProxy.Policy.TUNNEL);
        await().atMost(Duration.ofSeconds(10)).until(() -> "websocket".equals(str(browser.demoState(), "transport")));
        long switchMs = (System.nanoTime() - unblocked) / 1_000_000;
        sender.join(20_000);

        await().atMost(Duration.ofSeconds(15)).until(() -> chatTexts(javaLog, "browser").size() >= n
                && browserChats(browser, "java").size() >= n && browserChats(browser, "browser").size() >= n);
        sleep(300); // anything duplicated would arrive now
        List<String> expectB = IntStream.rangeClosed(1, n).mapToObj(i -> "b-" + i).toList();
        List<String> expectJ = IntStream.rangeClosed(1, n).mapToObj(i -> "j-" + i).toList();
        assertThat(chatTexts(javaLog, "browser")).as("browser -> java").containsExactlyElementsOf(expectB);
        assertThat(chatTexts(javaLog, "java")).as("java -> java (echo)").containsExactlyElementsOf(expectJ);
        assertThat(browserChats(browser, "java")).as("java -> browser").containsExactlyElementsOf(expectJ);
        assertThat(browserChats(browser, "browser")).as("browser -> browser (echo)").containsExactlyElementsOf(expectB);
        assertThat(app.chatsBySession.values()).anySatisfy(list -> assertThat(list).containsExactlyElementsOf(expectB));

        state = browser.demoState();
        assertThat(state.getAsJsonArray("transports").toString()).isEqualTo("[\"polling\",\"websocket\"]");
        assertThat(state.get("fallbackReason").isJsonNull()).isTrue();
        // Both transports carried part of the conversation.
        JsonObject by = state.getAsJsonObject("stats").getAsJsonObject("byTransport");
        assertThat(by.getAsJsonObject("polling").get("messagesIn").getAsInt()).isPositive();
        assertThat(by.getAsJsonObject("websocket").get("messagesIn").getAsInt()).isPositive();
        assertThat(by.getAsJsonObject("polling").get("messagesOut").getAsInt()).isPositive();
        assertThat(by.getAsJsonObject("websocket").get("messagesOut").getAsInt()).isPositive();
        long first = state.get("firstMessageMs").getAsLong();
        TABLE.add(String.format("[browser] %-34s| %-9s | %8d ms   | %7d ms     | moved up %d ms after the proxy allowed CONNECT;"
                        + " %d messages each way, none lost or duplicated (resends dropped by the page: %s)",
                "blocking proxy taken away", str(state, "transport"), first, first - state.get("startMs").getAsLong(), switchMs,
                n, state.getAsJsonObject("stats").get("duplicates")));
        System.out.println(TABLE.get(TABLE.size() - 1));
        assertThat(proxy.accessLog).anyMatch(l -> l.contains("CONNECT") && l.endsWith("REFUSE"))
                .anyMatch(l -> l.contains("CONNECT") && l.endsWith("TUNNEL"));
        java.close();
    }

    @Test
    void blockingProxy_backgroundProbesStopAfterMaxProbes_sessionStaysOnPolling() throws Exception {
        startBridge(List.of());
        TestProxy proxy = use(new TestProxy(TestProxy.Policy.REFUSE));
        Chromium browser = use(new Chromium(proxy.address()));
        // Each failed WebSocket costs the page a console error it cannot silence: probes are bounded.
        JsonObject state = openDemo(browser, pageUrl("&probeDelay=100&probeMaxDelay=200&maxProbes=3"));
        assertThat(str(state, "transport")).isEqualTo("polling");
        await().atMost(Duration.ofSeconds(10)).until(() -> clientLog(browser).contains("no more websocket probes after 3 failures"));
        sleep(1500); // many probe delays: none comes
        String log = clientLog(browser);
        assertThat(log.split("websocket probe attempt", -1)).as(log).hasSize(4);
        assertThat(proxy.accessLog.stream().filter(l -> l.startsWith("CONNECT 127.0.0.1:" + server.port() + " ")))
                .as("the first try and three probes").hasSize(4);
        chatBothWays(browser);
        state = browser.demoState();
        assertThat(str(state, "transport")).isEqualTo("polling");
        record("blocking proxy, probes stop at 3", state);
    }

    /** Issue 15 item 2: WebSockets that open and die soon, again and again: the page stays on polling. */
    @Test
    void proxyThatKillsWebSocketsSoonAfterOpening_demotesToPolling() throws Exception {
        startBridge(List.of());
        TestProxy proxy = use(new TestProxy(TestProxy.Policy.DIE_SOON_AFTER_CONNECT));
        Chromium browser = use(new Chromium(proxy.address()));
        JsonObject state = openDemo(browser, pageUrl(""));
        await().atMost(Duration.ofSeconds(30)).until(() -> String.valueOf(str(browser.demoState(), "fallbackReason")).startsWith("websocket_useless"));
        await().atMost(Duration.ofSeconds(10)).until(() -> "polling".equals(str(browser.demoState(), "transport")));
        long tunnels = proxy.accessLog.stream().filter(l -> l.startsWith("CONNECT 127.0.0.1:" + server.port() + " ")).count();
        sleep(3 * TestProxy.DIES_AFTER_MS); // demoted: no more WebSockets for now (demoteFor is 10 min)
        assertThat(proxy.accessLog.stream().filter(l -> l.startsWith("CONNECT 127.0.0.1:" + server.port() + " ")).count())
                .as("no WebSocket tried while demoted").isEqualTo(tunnels);
        // Three useless sockets; under load one more may die before its probe echo (a plain failure, not counted).
        assertThat(tunnels).isGreaterThanOrEqualTo(3);
        chatBothWays(browser);
        state = browser.demoState();
        assertThat(str(state, "transport")).isEqualTo("polling");
        record("proxy killing WebSockets after 1 s", state);
        // The next load starts on polling at once.
        JsonObject again = openDemo(browser, pageUrl("&reload=1"));
        assertThat(str(again, "transport")).isEqualTo("polling");
        assertThat(again.getAsJsonArray("log").toString()).contains("establish: polling > websocket");
    }

    /** Issue 15 item 5: a reload of the page resumes its session; nothing is lost or repeated either way. */
    @Test
    void pageReload_resumesTheSession_exactlyOnceBothWays() throws Exception {
        startBridge(List.of());
        Chromium browser = use(new Chromium(null));
        openDemo(browser, pageUrl("&resumeOnReload=1"));
        ClientLog javaLog = new ClientLog();
        BridgeClient java = javaClient(javaLog);
        int n = 80;
        browser.script("window.pumped = 0; window.pump = setInterval(() => { if (window.pumped >= arguments[0])"
                + " clearInterval(window.pump); else demo.sendChat('browser', 'b-' + ++window.pumped); }, 10);", n);
        Thread sender = new Thread(() -> {
            for (int i = 1; i <= n; i++) {
                java.send(chat("java", "j-" + i));
                sleep(15);
            }
        });
        sender.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> ((Number) browser.script("return window.pumped")).intValue() >= n / 3);
        // Stop sending and reload at once: what the server has not acknowledged goes over with the session.
        int sentBefore = ((Number) browser.script("clearInterval(window.pump); return window.pumped")).intValue();
        browser.driver.navigate().refresh();
        JsonObject state = openDemo(browser, pageUrl("&resumeOnReload=1"));
        assertThat(browser.script("return demo.sock.resumed")).isEqualTo(true);
        browser.script("for (let i = arguments[0] + 1; i <= arguments[1]; i++) demo.sendChat('browser', 'b-' + i)", sentBefore, n);
        sender.join(20_000);

        List<String> expectB = IntStream.rangeClosed(1, n).mapToObj(i -> "b-" + i).toList();
        List<String> expectJ = IntStream.rangeClosed(1, n).mapToObj(i -> "j-" + i).toList();
        await().atMost(Duration.ofSeconds(15)).until(() -> chatTexts(javaLog, "browser").size() >= n && browserChats(browser, "java").size() >= n);
        sleep(300); // anything repeated would arrive now
        assertThat(chatTexts(javaLog, "browser")).as("browser -> java across the reload").containsExactlyElementsOf(expectB);
        assertThat(browserChats(browser, "java")).as("java -> browser across the reload").containsExactlyElementsOf(expectJ);
        assertThat(app.chatsBySession.values()).as("one browser session").anySatisfy(list -> assertThat(list).containsExactlyElementsOf(expectB));
        String log = String.valueOf(browser.script("return JSON.stringify(demo.sock.log)"));
        assertThat(log).contains("resuming the session of the previous page").contains("(resumed)");
        record("page reload (resumeOnReload)", state);
        java.close();
    }

    private static String clientLog(Chromium browser) {
        return String.valueOf(browser.script("return JSON.stringify(demo.sock.log)"));
    }

    // ================================================================ fixture

    private void startBridge(List<String> allowedOrigins) throws Exception {
        startBridge(allowedOrigins, List.of());
    }

    private void startBridge(List<String> allowedOrigins, List<String> trustedProxies) throws Exception {
        app = new DemoChatApp();
        Bridge bridge = Bridge.builder(app).config(BridgeConfig.builder().allowedOrigins(allowedOrigins).build()).build();
        app.rooms = bridge.rooms();
        server = BridgeServer.builder(bridge).host("127.0.0.1").port(0).drain(Duration.ofMillis(200))
                .trustedProxies(trustedProxies)
                .module(new LongPollingModule())
                .module(WebFiles.client())
                .module(WebFiles.demoPages())
                .build().start();
        use(server);
        warmUp();
    }

    /**
     * One Java chat over each transport before the page loads, so the times measured are the
     * browser client's and not a fresh server's class loading and JIT.
     */
    private void warmUp() throws Exception {
        for (TransportKind kind : List.of(TransportKind.WEBSOCKET, TransportKind.POLLING)) {
            ClientLog log = new ClientLog();
            try (BridgeClient c = BridgeClient.builder(server.uri()).transports(kind).listener(log).build()) {
                c.connect().get();
                c.send("{\"op\":\"join\",\"room\":\"chat\"}").get();
                c.send(chat("warmup", "hello")).get();
                await().atMost(Duration.ofSeconds(10)).until(() -> chatTexts(log, "warmup").size() == 1);
            }
        }
    }

    private String pageUrl(String extraQuery) {
        return "http://127.0.0.1:" + server.port() + "/?name=browser" + extraQuery;
    }

    /** Loads the demo page and waits for its first message (the welcome after joining "chat"). */
    private JsonObject openDemo(Chromium browser, String url) {
        browser.driver.get(url);
        JsonObject[] state = new JsonObject[1];
        try {
            await().atMost(PAGE).pollInterval(Duration.ofMillis(50)).until(() -> {
                state[0] = browser.demoState();
                return state[0] != null && !state[0].get("firstMessageMs").isJsonNull();
            });
        } catch (RuntimeException e) {
            throw new AssertionError("no first message on " + url + "; page state: " + state[0], e);
        }
        return state[0];
    }

    /** A line typed into the page reaches the Java client, and a Java line shows up in the page. */
    private void chatBothWays(Chromium browser) throws Exception {
        ClientLog log = new ClientLog();
        BridgeClient java = javaClient(log);
        String fromBrowser = "typed in the browser " + System.nanoTime();
        browser.driver.findElement(By.id("text")).sendKeys(fromBrowser, Keys.ENTER);
        await().atMost(Duration.ofSeconds(10)).until(() -> chatTexts(log, "browser").contains(fromBrowser));
        String fromJava = "from the java client " + System.nanoTime();
        java.send(chat("java", fromJava));
        await().atMost(Duration.ofSeconds(10)).until(() -> browserChats(browser, "java").contains(fromJava));
        assertThat(browser.driver.findElement(By.id("messages")).getText()).contains(fromJava);
        java.close();
    }

    private BridgeClient javaClient(ClientLog log) throws Exception {
        BridgeClient c = BridgeClient.builder(server.uri()).listener(log).build();
        use(c);
        c.connect().get();
        c.send("{\"op\":\"join\",\"room\":\"chat\"}").get();
        return c;
    }

    private static String chat(String name, String text) {
        JsonObject o = new JsonObject();
        o.addProperty("op", "chat");
        o.addProperty("name", name);
        o.addProperty("text", text);
        return o.toString();
    }

    /** Texts of the chat lines from {@code name} that a Java client received, in order. */
    private static List<String> chatTexts(ClientLog log, String name) {
        List<String> out = new ArrayList<>();
        for (Message m : log.messages) {
            JsonObject o = JsonParser.parseString(m.text()).getAsJsonObject();
            if ("chat".equals(o.get("type").getAsString()) && name.equals(o.get("name").getAsString())) {
                out.add(o.get("text").getAsString());
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<String> browserChats(Chromium browser, String name) {
        return (List<String>) browser.script("return demo.chats.filter(c => c.name === arguments[0]).map(c => c.text)", name);
    }

    private static String str(JsonObject o, String field) {
        return o.get(field) == null || o.get(field).isJsonNull() ? null : o.get(field).getAsString();
    }

    private static void record(String name, JsonObject state) {
        String reason = str(state, "fallbackReason");
        long first = state.get("firstMessageMs").getAsLong();
        String line = String.format("[browser] %-34s| %-9s | %8d ms   | %7d ms     | %s", name, str(state, "transport"),
                first, first - state.get("startMs").getAsLong(), reason == null ? "-" : reason);
        TABLE.add(line);
        System.out.println(line);
        System.out.println("[browser]   client log: " + state.get("log"));
    }

    /** For people: what the demo page showed, in target/browser-screenshots/. */
    private static void screenshot(Chromium browser, String name) throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of("target", "browser-screenshots");
        java.nio.file.Files.createDirectories(dir);
        byte[] png = browser.driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES);
        java.nio.file.Files.write(dir.resolve(name + ".png"), png);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
