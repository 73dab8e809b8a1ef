package io.cometbridge.gateway;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GatewayConfigTest {

    @Test
    void theUpstreamIsAWebSocketUrl() {
        assertThat(GatewayConfig.builder(URI.create("wss://svc.internal/socket")).build().upstream().getHost()).isEqualTo("svc.internal");
        assertThatThrownBy(() -> GatewayConfig.builder(URI.create("http://svc/")).build()).hasMessageContaining("ws:// or wss://");
    }

    @Test
    void headersTheClientSetsItselfCannotBeAllowlisted() {
        assertThatThrownBy(() -> GatewayConfig.builder(URI.create("ws://svc/")).headers(Set.of("Cookie")).build())
                .hasMessageContaining("cookie allowlist");
        assertThatThrownBy(() -> GatewayConfig.builder(URI.create("ws://svc/")).headers(Set.of("Sec-WebSocket-Key")).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(GatewayConfig.builder(URI.create("ws://svc/")).headers(Set.of(" Authorization ")).build().headers())
                .containsExactly("authorization");
    }

    @Test
    void originSettings() {
        assertThat(UpstreamOrigin.parse("preserve").resolve("https://a")).isEqualTo("https://a");
        assertThat(UpstreamOrigin.parse("none").resolve("https://a")).isNull();
        assertThat(UpstreamOrigin.parse("rewrite:https://b:8443").resolve("https://a")).isEqualTo("https://b:8443");
        assertThatThrownBy(() -> UpstreamOrigin.parse("rewrite:https://b/path")).hasMessageContaining("not an origin");
        assertThatThrownBy(() -> UpstreamOrigin.parse("keep")).hasMessageContaining("preserve, none or rewrite");
    }

    @Test
    void onlyAllowlistedCookiesCross() {
        List<String> header = List.of("a=1; b=2", "c=3");
        assertThat(UpstreamRequest.cookies(header, Set.of("a", "c"))).isEqualTo("a=1; c=3");
        assertThat(UpstreamRequest.cookies(header, Set.of("*"))).isEqualTo("a=1; b=2; c=3");
        assertThat(UpstreamRequest.cookies(header, Set.of())).isNull();
        assertThat(UpstreamRequest.cookies(header, Set.of("zzz"))).isNull();
    }

    @Test
    void theBridgeKeepsOnlyTheHeadersTheGatewayForwards() {
        GatewayConfig c = GatewayConfig.builder(URI.create("ws://svc/")).headers(Set.of("x-user")).cookies(Set.of("s")).build();
        assertThat(UpstreamRequest.headersNeeded(c)).containsExactlyInAnyOrder("x-user", "cookie", "origin");
        GatewayConfig bare = GatewayConfig.builder(URI.create("ws://svc/")).origin(UpstreamOrigin.NONE).build();
        assertThat(UpstreamRequest.headersNeeded(bare)).isEmpty();
    }

    @Test
    void onlyAServiceGoingAwayIsWorthReconnectingTo() {
        assertThat(List.of(0, 1001, 1006, 1011, 1012, 1013, 1014)).allMatch(UpstreamLink::retryable);
        assertThat(List.of(1000, 1003, 1007, 1008, 1009, 4000, 4321)).noneMatch(UpstreamLink::retryable);
    }
}
