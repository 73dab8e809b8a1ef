package io.cometbridge.server;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostPolicyTest {

    @Test
    void loopbackBindingServesAddressesAndLocalhostOnly() {
        for (String bind : List.of("127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2")) {
            HostPolicy p = HostPolicy.of(bind, List.of());
            assertThat(p.allows("127.0.0.1", 8080)).as(bind).isTrue();
            assertThat(p.allows("localhost", 8080)).isTrue();
            assertThat(p.allows("LocalHost.", -1)).isTrue();
            assertThat(p.allows("[::1]", 8080)).isTrue();
            assertThat(p.allows("::1", 8080)).isTrue();
            assertThat(p.allows("10.1.2.3", 80)).as("an address cannot be rebound").isTrue();
            assertThat(p.allows(null, -1)).as("no Host: HTTP/1.0, not a browser").isTrue();
            assertThat(p.allows("rebind.evil.example", 8080)).as(bind).isFalse();
            assertThat(p.allows("localhost.evil.example", 8080)).isFalse();
            assertThat(p.allows("127.0.0.1.evil.example", 8080)).isFalse();
            assertThat(p.allows("999.0.0.1", 8080)).as("not an address: a name").isFalse();
        }
    }

    @Test
    void otherBindingsServeAnyNameUnlessConfigured() {
        for (String bind : List.of("0.0.0.0", "::", "192.168.1.5", "bridge.internal")) {
            assertThat(HostPolicy.of(bind, List.of()).allows("chat.example.com", 443)).as(bind).isTrue();
            assertThat(HostPolicy.of(bind, List.of()).acceptsAnyHost()).isTrue();
            HostPolicy configured = HostPolicy.of(bind, List.of("chat.example.com"));
            assertThat(configured.allows("chat.example.com", 443)).isTrue();
            assertThat(configured.allows("rebind.evil.example", 443)).isFalse();
        }
    }

    @Test
    void configuredNamesWithAndWithoutPorts() {
        HostPolicy p = HostPolicy.of("127.0.0.1", List.of("chat.example.com", "Admin.Example.com:8443"));
        assertThat(p.allows("chat.example.com", 443)).isTrue();
        assertThat(p.allows("CHAT.example.com.", -1)).isTrue();
        assertThat(p.allows("admin.example.com", 8443)).isTrue();
        assertThat(p.allows("admin.example.com", 443)).isFalse();
        assertThat(p.allows("admin.example.com", -1)).isFalse();
        assertThat(p.allows("evil.chat.example.com", 443)).isFalse();
        assertThat(HostPolicy.of("127.0.0.1", List.of("*")).allows("anything.example", 1)).isTrue();
    }

    @Test
    void badEntriesAreRefusedByName() {
        for (String bad : List.of("http://chat.example.com", "chat.example.com/", "chat example.com", "chat.example.com:0",
                "chat.example.com:99999", "", "*.example.com")) {
            assertThatThrownBy(() -> HostPolicy.of("127.0.0.1", List.of(bad))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void onlyDottedQuadsOfOctetsAreIPv4Literals() {
        for (String address : List.of("0.0.0.0", "255.255.255.255", "10.1.2.3", "001.02.3.004", "[1.2.3.4]")) {
            assertThat(HostPolicy.isAddressLiteral(address)).as(address).isTrue();
        }
        for (String name : List.of("1.2.3", "1.2.3.4.", "1..2.3", ".1.2.3", "1.2.3.4.5", "0001.2.3.4", "256.1.1.1",
                "1.2.3.256", "1.2.3.2555", "1.2.3.-4", "1.2.3.4a", "a.b.c.d", "", "١.٢.٣.٤")) {
            assertThat(HostPolicy.isAddressLiteral(name)).as(name).isFalse();
        }
    }

    @Test
    void refusalNamesTheHost() {
        assertThat(HostPolicy.of("127.0.0.1", List.of()).refusal("rebind.evil.example", 8080))
                .startsWith("host rebind.evil.example:8080 is not allowed: this server answers to IP addresses, localhost");
    }
}
