package io.cometbridge.server;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AddressSetTest {

    @Test
    void addressesAndBlocks() {
        AddressSet s = new AddressSet(List.of("127.0.0.1", "10.0.0.0/8", "192.168.4.0/22", "fd00::/8", "::1"));
        for (String in : List.of("127.0.0.1", "10.255.1.2", "192.168.7.255", "fd12::1", "::1")) {
            assertThat(s.contains(AddressSet.literal(in))).as(in).isTrue();
        }
        for (String out : List.of("127.0.0.2", "11.0.0.1", "192.168.8.0", "fe80::1", "::2")) {
            assertThat(s.contains(AddressSet.literal(out))).as(out).isFalse();
        }
        assertThat(new AddressSet(List.of("0.0.0.0/0")).contains(AddressSet.literal("203.0.113.9"))).isTrue();
        assertThat(new AddressSet(List.of()).contains(AddressSet.literal("127.0.0.1"))).isFalse();
    }

    @Test
    void literalsOnlyNeverNames() {
        assertThat(AddressSet.literal("proxy.internal")).isNull();
        assertThat(AddressSet.literal("999.1.1.1")).isNull();
        assertThat(AddressSet.literal("unknown")).isNull();
        assertThat(AddressSet.literal("[2001:db8::1]")).isNotNull();
        for (String bad : List.of("proxy.internal", "10.0.0.0/33", "10.0.0.0/x", "::1/129", "", "10.0.0.0/8/8")) {
            assertThatThrownBy(() -> new AddressSet(List.of(bad))).as(bad).hasMessageContaining("'" + bad + "'");
        }
    }
}
