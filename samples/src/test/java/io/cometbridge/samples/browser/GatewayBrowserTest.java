package io.cometbridge.samples.browser;

import io.cometbridge.gateway.testing.TestUpstream;
import io.cometbridge.samples.Main;
import io.cometbridge.samples.RunningServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gateway mode end to end: an unmodified WebSocket service (a Jetty one on loopback), the server
 * started as from the command line with {@code --upstream}, and the browser client in real
 * headless Chromium behind squid's default rules, which refuse the WebSocket's CONNECT: the page
 * reaches the service over long-polling, both ways, in order.
 */
class GatewayBrowserTest {
    private static final int COUNT = 1000;

    @BeforeAll
    static void requireBrowserAndSquid() {
        assertTrue(Chromium.available(), "chromium and chromium-driver are not installed (scripts/install-test-deps.sh)");
        assertTrue(ProxyProcess.installed("/usr/sbin/squid"), "squid is not installed");
    }

    @Test
    void behindSquidThePageReachesTheServiceOverPolling() throws Exception {
        try (TestUpstream upstream = new TestUpstream();
             RunningServer server = Main.start("--port", "0", "--upstream", upstream.uri().toString());
             ProxyProcess squid = ProxyProcess.squid();
             Chromium browser = new Chromium(squid.address())) {
            String origin = "http://127.0.0.1:" + server.port();
            browser.driver.get(origin + "/bridge/stats"); // any page of the bridge's origin (JSON): the script imports the client
            browser.driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
            Object opened = browser.driver.executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    import('/bridge/client.js').then(({ BridgeSocket }) => {
                      window.got = [];
                      window.sock = new BridgeSocket('/bridge');
                      sock.onmessage = e => got.push(e.data);
                      sock.onopen = () => done(sock.transport);
                    }).catch(e => done('failed: ' + e));
                    """);
            assertThat(opened).isEqualTo("polling");
            await().until(() -> upstream.connections.size() == 1); // the session's upstream opened with it

            // Page -> service, echoed service -> page.
            browser.driver.executeScript("for (let i = 0; i < arguments[0]; i++) sock.send('b' + i);", COUNT);
            await().atMost(Duration.ofSeconds(60)).until(() -> ((Number) browser.driver.executeScript("return got.length")).intValue() >= COUNT);
            // The service speaks on its own too.
            upstream.flood("s", 100);
            await().atMost(Duration.ofSeconds(30)).until(() -> ((Number) browser.driver.executeScript("return got.length")).intValue() >= COUNT + 100);

            @SuppressWarnings("unchecked")
            List<String> got = (List<String>) browser.driver.executeScript("return got");
            for (int i = 0; i < COUNT; i++) assertThat(got.get(i)).isEqualTo("b" + i);
            for (int i = 0; i < 100; i++) assertThat(got.get(COUNT + i)).isEqualTo("s" + i);
            assertThat(got).hasSize(COUNT + 100);
            assertThat(upstream.received.get()).isEqualTo(COUNT);
            assertThat(upstream.outOfOrder.get()).isZero();
            assertThat((String) browser.driver.executeScript("return sock.transport")).isEqualTo("polling");
            assertThat((String) browser.driver.executeScript("return sock.fallbackReason")).startsWith("websocket_unreachable");
            // The Origin the browser sent is what the service saw (preserved by default).
            assertThat(upstream.handshakes.get(0).get("Origin")).containsExactly(origin);

            String bridge = "127.0.0.1:" + server.port();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(squid.accessLog())
                    .anyMatch(l -> l.contains("TCP_DENIED/403") && l.contains("CONNECT " + bridge))
                    .anyMatch(l -> l.contains("POST http://" + bridge + "/bridge/poll/recv")));
        }
    }
}
