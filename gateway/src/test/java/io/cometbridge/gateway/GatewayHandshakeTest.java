package io.cometbridge.gateway;

import io.cometbridge.client.BridgeClient;
import io.cometbridge.gateway.testing.GatewayBridge;
import io.cometbridge.gateway.testing.TestUpstream;
import io.cometbridge.testing.ClientLog;
import io.cometbridge.testing.SelfSignedCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What crosses from the client's request to the service's handshake, and TLS towards a wss:// service. */
class GatewayHandshakeTest {
    private TestUpstream upstream;
    private GatewayBridge bridge;

    @AfterEach
    void stop() throws Exception {
        if (bridge != null) bridge.close();
        if (upstream != null) upstream.close();
    }

    private Map<String, List<String>> handshakeAfterPollingAttach(GatewayConfig.Builder gateway) throws Exception {
        bridge = new GatewayBridge(gateway, GatewayBridge.config().allowedOrigins(List.of("https://app.example")).build());
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(bridge.uri() + "/poll/attach"))
                .header("Content-Type", "application/json")
                .header("Origin", "https://app.example")
                .header("X-User", "alice")
                .header("X-Secret", "not for the service")
                .header("Cookie", "session=s1; theme=dark; tracking=t")
                .POST(HttpRequest.BodyPublishers.ofString("{\"t\":\"attach\",\"last\":0}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        await().until(() -> upstream.handshakes.size() == 1);
        return upstream.handshakes.get(0);
    }

    @Test
    void onlyAllowlistedHeadersAndCookiesTheOriginAndTheSubprotocolsCross() throws Exception {
        upstream = new TestUpstream();
        upstream.acceptSubprotocol("chat.v2");
        Map<String, List<String>> seen = handshakeAfterPollingAttach(GatewayConfig.builder(upstream.uri())
                .headers(Set.of("X-User")).cookies(Set.of("session", "theme")).subprotocols(List.of("chat.v2", "chat.v1")));
        assertThat(seen.get("X-User")).containsExactly("alice");
        assertThat(seen).doesNotContainKey("X-Secret");
        assertThat(seen.get("Cookie")).containsExactly("session=s1; theme=dark");
        assertThat(seen.get("Origin")).containsExactly("https://app.example"); // preserved by default
        assertThat(String.join(",", seen.get("Sec-WebSocket-Protocol"))).contains("chat.v2", "chat.v1");
        assertThat(seen).doesNotContainKey("X-Bridge-Session");
    }

    @Test
    void theOriginCanBeRewrittenOrLeftOut() throws Exception {
        upstream = new TestUpstream();
        Map<String, List<String>> rewritten = handshakeAfterPollingAttach(GatewayConfig.builder(upstream.uri())
                .origin(UpstreamOrigin.parse("rewrite:https://internal.example:8443")));
        assertThat(rewritten.get("Origin")).containsExactly("https://internal.example:8443");
        assertThat(rewritten).doesNotContainKey("Cookie").doesNotContainKey("X-User");
        bridge.close();
        bridge = null;
        upstream.handshakes.clear();
        Map<String, List<String>> none = handshakeAfterPollingAttach(GatewayConfig.builder(upstream.uri()).origin(UpstreamOrigin.NONE));
        assertThat(none).doesNotContainKey("Origin");
    }

    @Test
    void aWebSocketAttachCarriesItsUpgradeHeadersToo() throws Exception {
        upstream = new TestUpstream();
        bridge = new GatewayBridge(GatewayConfig.builder(upstream.uri()).headers(Set.of("authorization")),
                GatewayBridge.config().build());
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer t0k3n")
                .buildAsync(URI.create(bridge.uri().toString().replaceFirst("^http", "ws") + "/ws"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        w.request(1);
                        return null;
                    }
                }).get();
        ws.sendText("{\"t\":\"attach\",\"last\":0}", true).get();
        await().until(() -> upstream.handshakes.size() == 1);
        assertThat(upstream.handshakes.get(0).get("Authorization")).containsExactly("Bearer t0k3n");
        ws.abort();
    }

    @Test
    void aWssServiceIsReachedWithItsCertificateOnlyWhenTrusted(@TempDir Path dir) throws Exception {
        SelfSignedCertificate cert = new SelfSignedCertificate(dir);
        upstream = new TestUpstream(cert.keystore, SelfSignedCertificate.PASSWORD);

        bridge = new GatewayBridge(GatewayConfig.builder(upstream.uri()), GatewayBridge.config().build()); // the JVM's trust
        ClientLog refused = new ClientLog();
        try (BridgeClient c = BridgeClient.builder(bridge.uri()).listener(refused).build()) {
            c.connect().get();
            await().until(() -> !refused.closes.isEmpty());
            assertThat(refused.closes.get(0).code()).isEqualTo(4011);
        }
        bridge.close();

        for (GatewayConfig.Builder trusted : List.of(
                GatewayConfig.builder(upstream.uri()).trustStore(cert.certificatePem, null),
                GatewayConfig.builder(upstream.uri()).trustStore(cert.keystore, SelfSignedCertificate.PASSWORD),
                GatewayConfig.builder(upstream.uri()).insecure(true))) {
            bridge = new GatewayBridge(trusted, GatewayBridge.config().build());
            ClientLog log = new ClientLog();
            try (BridgeClient c = BridgeClient.builder(bridge.uri()).listener(log).build()) {
                c.connect().get();
                c.send("over tls").get();
                await().until(() -> log.messages.size() == 1);
                assertThat(log.texts()).containsExactly("over tls");
            }
            bridge.close();
            bridge = null;
        }
    }
}
