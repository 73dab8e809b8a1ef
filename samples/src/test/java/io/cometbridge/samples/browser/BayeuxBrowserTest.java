package io.cometbridge.samples.browser;

import io.cometbridge.client.BridgeClient;
import io.cometbridge.samples.Main;
import io.cometbridge.samples.RunningServer;
import io.cometbridge.testing.ClientLog;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The demo chat from an unmodified CometD page (the official JavaScript client, npm cometd 8) in
 * real headless Chromium behind a strict squid (CONNECT only to 443, so no WebSocket gets
 * through), chatting both ways with the bridge's own Java client in the same room.
 */
class BayeuxBrowserTest {
    /** The official client, installed by npm from legacy-polling's committed package-lock.json. */
    private static final Path JS = Path.of("../legacy-polling/src/test/js").toAbsolutePath().normalize();

    @BeforeAll
    static void requireBrowserAndClient() throws Exception {
        assertTrue(Chromium.available(), "chromium and chromium-driver are not installed (scripts/install-test-deps.sh)");
        assertTrue(ProxyProcess.installed("/usr/sbin/squid"), "squid is not installed (scripts/install-test-deps.sh)");
        if (!Files.exists(JS.resolve("node_modules/cometd/cometd.js"))) npmCi();
    }

    private static void npmCi() throws Exception {
        Process npm;
        try {
            npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(JS.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("npm is not installed: the official CometD JavaScript client comes from npm (scripts/install-test-deps.sh)");
            return;
        }
        String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) fail("npm ci failed in " + JS + ":\n" + out);
    }

    @Test
    void cometdPageBehindStrictSquid_chatsWithTheJavaClientOverLongPolling() throws Exception {
        try (RunningServer server = Main.start("--port", "0", "--cometd-js", JS.resolve("node_modules/cometd").toString());
             ProxyProcess squid = ProxyProcess.squid();
             Chromium browser = new Chromium(squid.address())) {
            ClientLog javaLog = new ClientLog();
            try (BridgeClient java = BridgeClient.builder(server.bridgeUri()).listener(javaLog).build()) {
                java.connect().get();
                java.send("{\"op\":\"join\",\"room\":\"chat\",\"name\":\"java\"}").get();

                browser.driver.get(server.demoUri() + "cometd.html?name=page");
                await().atMost(Duration.ofSeconds(30)).until(() -> Boolean.TRUE.equals(
                        browser.script("return !!(window.cometdDemo && window.cometdDemo.state().connected)")));
                assertThat(browser.script("return window.cometdDemo.state().transport")).isEqualTo("long-polling");
                await().until(() -> server.server().bridge().rooms().size("chat") == 2);

                // Java client -> CometD page (room chat is channel /chat).
                java.send("{\"op\":\"chat\",\"name\":\"java\",\"text\":\"hello page\"}").get();
                await().atMost(Duration.ofSeconds(10)).until(() -> String.valueOf(
                        browser.script("return JSON.stringify(window.cometdDemo.state().messages)")).contains("hello page"));
                // CometD page -> Java client (published on /service/chat, handled by the demo app).
                browser.script("window.cometdDemo.send('hello java')");
                await().atMost(Duration.ofSeconds(10)).until(() -> javaLog.texts().stream()
                        .anyMatch(t -> t.contains("\"name\":\"page\"") && t.contains("\"text\":\"hello java\"")));
                assertThat(browser.driver.findElement(org.openqa.selenium.By.id("messages")).getText())
                        .contains("java: hello page").contains("page: hello java");
            }
            // Squid refused the WebSocket tunnel; the page and the Bayeux requests went through it.
            String bridge = "127.0.0.1:" + server.port();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(squid.accessLog())
                    .anyMatch(l -> l.contains("TCP_DENIED/403") && l.contains("CONNECT " + bridge))
                    .anyMatch(l -> l.contains("POST http://" + bridge + "/bridge/cometd"))
                    .anyMatch(l -> l.contains("GET http://" + bridge + "/vendor/cometd/cometd.js")));
            List<String> log = squid.accessLog();
            System.out.println("[bayeux-browser] squid access log:\n  " + String.join("\n  ", log));
        }
    }
}
