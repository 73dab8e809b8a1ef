package io.cometbridge.samples.browser;

import io.cometbridge.api.AuthRequest;
import io.cometbridge.api.AuthResult;
import io.cometbridge.api.Authenticator;
import io.cometbridge.polling.LongPollingModule;
import io.cometbridge.server.BridgeServer;
import io.cometbridge.server.StaticResourcesModule;
import io.cometbridge.session.Bridge;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TcpRelay;
import io.cometbridge.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14 item 1, the browser side: the browser client's {@code auth} option in real headless
 * Chromium, against a bridge with an authenticator. An async function is asked again at every
 * attach (a re-attach after the connection is cut carries a fresh token and stays the same
 * principal's session); a refused token ends the socket with the documented code.
 */
class BrowserAuthTest {
    private final RecordingApp app = new RecordingApp(RecordingApp.Mode.ECHO);
    private final Queue<AuthRequest> seen = new ConcurrentLinkedQueue<>();
    private BridgeServer server;
    private TcpRelay relay;
    private Chromium browser;

    @BeforeAll
    static void requireBrowser() {
        assertTrue(Chromium.available(), "chromium and chromium-driver are not installed (scripts/install-test-deps.sh)");
    }

    @BeforeEach
    void start() throws Exception {
        Authenticator hook = Authenticator.of(request -> {
            seen.add(request);
            String t = request.token();
            return t != null && t.startsWith("tok-alice") ? AuthResult.accept("alice") : AuthResult.refuse("unknown token");
        });
        Bridge bridge = Bridge.builder(app).config(TestServer.config().build()).authenticator(hook).build();
        server = BridgeServer.builder(bridge).host("127.0.0.1").port(0).module(new LongPollingModule())
                .module(StaticResourcesModule.atPrefix("io/cometbridge/client-js/")).build().start();
        relay = new TcpRelay(server.port()); // the page's only way in: cutting it makes the client re-attach
        browser = new Chromium(null);
        browser.driver.get("http://127.0.0.1:" + relay.port() + "/bridge/client.js.map"); // a page of the bridge's origin (JSON)
        browser.driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) browser.close();
        if (relay != null) relay.close();
        if (server != null) server.close();
    }

    @Test
    void anAsyncAuthFunctionIsAskedAtEveryAttachAndTheSessionStaysItsPrincipals() throws Exception {
        Object opened = browser.driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                import('/bridge/client.js').then(({ BridgeSocket }) => {
                  window.asked = 0; window.got = [];
                  const auth = async () => { asked++; await new Promise(r => setTimeout(r, 10)); return 'tok-alice-' + asked; };
                  window.sock = new BridgeSocket('/bridge', { auth });
                  sock.onmessage = e => got.push(e.data);
                  sock.onopen = () => done(sock.transport);
                }).catch(e => done('failed: ' + e));
                """);
        assertThat(opened).isIn("websocket", "polling");
        await().until(() -> app.opened.size() == 1);
        String sid = app.opened.keySet().iterator().next();
        assertThat(app.opened.get(sid).principal().getName()).isEqualTo("alice");
        AuthRequest first = seen.peek();
        assertThat(first.token()).startsWith("tok-alice-");
        assertThat(first.header("origin")).isEqualTo("http://127.0.0.1:" + relay.port()); // the browser's own request

        long before = seen.stream().filter(AuthRequest::resuming).count();
        relay.cut();
        relay.restore();
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.stream().filter(AuthRequest::resuming).count() > before);
        await().atMost(Duration.ofSeconds(30)).until(() -> "open".equals(browser.script("return sock.readyState === 1 ? 'open' : 'not'")));
        AuthRequest resume = seen.stream().filter(AuthRequest::resuming).reduce((a, b) -> b).orElseThrow();
        assertThat(resume.token()).isNotEqualTo(first.token()).startsWith("tok-alice-"); // asked anew
        assertThat(((Number) browser.script("return asked")).intValue()).isGreaterThanOrEqualTo(2);
        assertThat(app.opened).hasSize(1); // the same session, resumed

        browser.script("sock.send('after the cut')");
        await().atMost(Duration.ofSeconds(20)).until(() -> ((List<?>) browser.script("return got")).contains("after the cut"));
    }

    @Test
    void aRefusedTokenEndsTheSocketWithTheDocumentedCode() {
        Object closed = browser.driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                import('/bridge/client.js').then(({ BridgeSocket }) => {
                  const sock = new BridgeSocket('/bridge', { auth: 'tok-mallory', transports: ['polling'] });
                  sock.onclose = e => done(e.code + ' ' + e.reason);
                }).catch(e => done('failed: ' + e));
                """);
        assertThat(closed).isEqualTo("4401 unknown token");
        assertThat(seen.peek().token()).isEqualTo("tok-mallory");
        assertThat(app.opened).isEmpty();
    }
}
