package io.cometbridge.server;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OriginPolicyTest {
    private static final String SELF = "http://127.0.0.1:8080";

    @Test
    void sameOriginOnlyByDefault() {
        OriginPolicy p = new OriginPolicy(List.of());
        assertThat(p.allows(null, SELF)).isTrue(); // non-browser client
        assertThat(p.allows("http://127.0.0.1:8080", SELF)).isTrue();
        assertThat(p.allows("HTTP://127.0.0.1:8080", SELF)).isTrue();
        assertThat(p.allows("http://evil.example", SELF)).isFalse();
        assertThat(p.allows("null", SELF)).isFalse();
    }

    @Test
    void allowListAndDefaultPorts() {
        OriginPolicy p = new OriginPolicy(List.of("https://app.example.com", "http://localhost:3000"));
        assertThat(p.allows("https://app.example.com:443", SELF)).isTrue();
        assertThat(p.allows("http://localhost:3000", SELF)).isTrue();
        assertThat(p.allows("http://app.example.com", SELF)).isFalse();
        assertThat(new OriginPolicy(List.of("*")).allows("http://anything", SELF)).isTrue();
    }
}
