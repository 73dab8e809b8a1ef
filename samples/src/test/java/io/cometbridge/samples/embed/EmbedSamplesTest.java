package io.cometbridge.samples.embed;

import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.testing.ClientLog;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The embedding samples do what their comments say, with the real Java client. */
class EmbedSamplesTest {

    private static int port(Server server) {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    private static boolean got(ClientLog log, String text) {
        return log.messages.stream().anyMatch(m -> m.text().equals(text));
    }

    @ParameterizedTest
    @EnumSource(value = TransportKind.class, names = {"WEBSOCKET", "POLLING"})
    void theJettySampleChatsAsTheTokensUser(TransportKind kind) throws Exception {
        Server server = EmbeddedJettySample.start(0);
        try {
            URI bridge = URI.create("http://127.0.0.1:" + port(server) + "/bridge");
            ClientLog log = new ClientLog();
            try (BridgeClient ann = BridgeClient.builder(bridge).transports(kind).tokenProvider(() -> "token-ann").listener(log).build()) {
                ann.connect().get(10, TimeUnit.SECONDS);
                await().until(() -> got(log, "welcome, ann"));
                ann.send("hi");
                await().until(() -> got(log, "ann: hi"));
            }
            try (BridgeClient nobody = BridgeClient.builder(bridge).transports(kind).tokenProvider(() -> "forged").build()) {
                assertThatThrownBy(() -> nobody.connect().get(10, TimeUnit.SECONDS)).hasMessageContaining("auth_refused");
            }
        } finally {
            server.stop();
        }
    }

    @Test
    void theServletSampleKnowsTheUserByTheApplicationsCookie() throws Exception {
        Server server = ServletContextSample.start(0);
        try {
            String base = "http://127.0.0.1:" + port(server);
            HttpResponse<String> login = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/login?user=zoe")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(login.body()).contains("logged in as zoe");
            String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
            ClientLog log = new ClientLog();
            try (BridgeClient zoe = BridgeClient.builder(URI.create(base + "/bridge")).header("Cookie", cookie).listener(log).build()) {
                zoe.connect().get(10, TimeUnit.SECONDS);
                zoe.send("hello");
                await().until(() -> got(log, "zoe said hello"));
            }
        } finally {
            server.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(value = TransportKind.class, names = {"WEBSOCKET", "POLLING"})
    void theServletAppSampleServesTheBridgeAtTheApplicationsOwnPath(TransportKind kind) throws Exception {
        Server server = ServletAppSample.start(0);
        try {
            String base = "http://127.0.0.1:" + port(server) + "/app";
            HttpResponse<String> login = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/login?user=zoe")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(login.body()).contains("logged in as zoe");
            String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
            ClientLog log = new ClientLog();
            try (BridgeClient zoe = BridgeClient.builder(URI.create(base + "/rt")).transports(kind).header("Cookie", cookie).listener(log).build()) {
                zoe.connect().get(10, TimeUnit.SECONDS);
                assertThat(zoe.transport()).isEqualTo(kind);
                zoe.send("hello");
                await().until(() -> got(log, "zoe said hello"));
            }
            try (BridgeClient nobody = BridgeClient.builder(URI.create(base + "/rt")).transports(kind).build()) {
                assertThatThrownBy(() -> nobody.connect().get(10, TimeUnit.SECONDS)).hasMessageContaining("auth_refused");
            }
        } finally {
            server.stop();
        }
    }
}
