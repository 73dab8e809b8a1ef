package io.cometbridge.client;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP client a {@link BridgeClient} makes for itself: HTTP/2 only where it is chosen by ALPN
 * (https), HTTP/1.1 in clear text, so that the JDK never offers an h2c upgrade (see
 * {@link BridgeClientBuilder#defaultHttpClient}).
 */
class DefaultHttpClientTest {
    @Test
    void clearTextServersGetHttp11AndTlsServersHttp2() {
        assertThat(BridgeClientBuilder.defaultHttpClient(URI.create("http://127.0.0.1:8080/bridge"), Duration.ofSeconds(3)).version())
                .isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(BridgeClientBuilder.defaultHttpClient(URI.create("HTTP://example.test/bridge"), Duration.ofSeconds(3)).version())
                .isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(BridgeClientBuilder.defaultHttpClient(URI.create("https://example.test/bridge"), Duration.ofSeconds(3)).version())
                .isEqualTo(HttpClient.Version.HTTP_2);
    }

    @Test
    void theConnectTimeoutIsKept() {
        assertThat(BridgeClientBuilder.defaultHttpClient(URI.create("http://127.0.0.1:8080/"), Duration.ofSeconds(7)).connectTimeout())
                .contains(Duration.ofSeconds(7));
    }
}
