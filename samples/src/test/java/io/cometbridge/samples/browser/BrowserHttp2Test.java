package io.cometbridge.samples.browser;

import io.cometbridge.polling.LongPollingModule;
import io.cometbridge.server.StaticResourcesModule;
import io.cometbridge.server.TlsOptions;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.SelfSignedCertificate;
import io.cometbridge.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real headless Chromium over https: the browser picks HTTP/2 by ALPN, and its long-polling
 * session runs over it (the server records the HTTP version of every request), while its
 * WebSocket opens on an HTTP/1.1 connection of its own (PROTOCOL.md 4.1).
 */
class BrowserHttp2Test {
    private final RecordingApp app = new RecordingApp(RecordingApp.Mode.ECHO);
    private Queue<String> versions = new ConcurrentLinkedQueue<>(); // "HTTP/2.0 /bridge/poll/recv"
    private TestServer server;
    private Chromium browser;

    @BeforeAll
    static void requireBrowser() {
        assertTrue(Chromium.available(), "chromium and chromium-driver are not installed (scripts/install-test-deps.sh)");
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) browser.close();
        if (server != null) server.close();
    }

    @Test
    void chromiumPollsOverHttp2AndKeepsItsWebSocketOnHttp11(@TempDir Path tmp) throws Exception {
        SelfSignedCertificate cert = new SelfSignedCertificate(tmp);
        server = new TestServer(app, TestServer.config().build(),
                List.of(new LongPollingModule(), StaticResourcesModule.atPrefix("io/cometbridge/client-js/")),
                b -> b.tls(TlsOptions.pkcs12(0, cert.keystore, SelfSignedCertificate.PASSWORD)).plainHttp(false));
        versions = server.recordHttpVersions();
        browser = new Chromium(null, "--ignore-certificate-errors"); // the test's self-signed certificate
        browser.driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        browser.driver.get(server.server.tlsUri() + "/client.js.map"); // a page of the bridge's origin

        Object ws = browser.driver.executeAsyncScript(echo("websocket"));
        assertThat(ws).isEqualTo("websocket: over h2");
        assertThat(versions).filteredOn(v -> v.endsWith("/bridge/ws")).isNotEmpty().allMatch(v -> v.startsWith("HTTP/1.1 "));

        Object polled = browser.driver.executeAsyncScript(echo("polling"));
        assertThat(polled).isEqualTo("polling: over h2");
        assertThat(versions).filteredOn(v -> v.contains("/bridge/poll/")).hasSizeGreaterThanOrEqualTo(2)
                .allMatch(v -> v.startsWith("HTTP/2.0 "));
        // what the browser itself says of its requests
        assertThat(browser.script("return performance.getEntriesByType('resource')"
                + ".filter(e => e.name.includes('/bridge/poll/')).map(e => e.nextHopProtocol).filter(p => p).join()")).asString() // aborted ones say nothing
                .isNotEmpty().matches("h2(,h2)*");
    }

    /** A script that opens a session on one transport, sends a message and answers with the transport and the echo. */
    private static String echo(String transport) {
        return """
                const done = arguments[arguments.length - 1];
                import('/bridge/client.js').then(({ BridgeSocket }) => {
                  const sock = new BridgeSocket('/bridge', { transports: ['%s'] });
                  sock.onopen = () => sock.send('over h2');
                  sock.onmessage = e => { done(sock.transport + ': ' + e.data); sock.close(); };
                  sock.onclose = e => done('closed ' + e.code + ' ' + e.reason);
                }).catch(e => done('failed: ' + e));
                """.formatted(transport);
    }
}
