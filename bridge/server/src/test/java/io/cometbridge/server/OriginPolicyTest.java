package io.cometbridge.server;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    /** Issue 9 item 6: only the exact RFC 6454 shape scheme://host[:port] is an origin. */
    @Test
    void looseOriginsNeverMatch() {
        OriginPolicy p = new OriginPolicy(List.of("http://allowed.example.com"));
        for (String loose : List.of(
                "http://evil.com@allowed.example.com",     // userinfo: the host is allowed.example.com to a URI parser
                "http://allowed.example.com/x",            // a path
                "http://allowed.example.com/",
                "http://allowed.example.com?q",            // a query
                "http://allowed.example.com#f",            // a fragment
                "http://allowed.example.com:",             // an empty port
                "http://allowed.example.com:0",
                "http://allowed.example.com:99999",
                "http://allowed.example.com:80x",
                " http://allowed.example.com",             // whitespace
                "http://allowed.example.com\t",
                "http://allowed .example.com",
                "http://allowed.example.com, http://evil.example", // a list (two Origin headers joined)
                "http:/allowed.example.com",
                "//allowed.example.com",
                "allowed.example.com",
                "http://allowed.example.com\r\nX: y")) {
            assertThat(p.allows(loose, SELF)).as(loose).isFalse();
            assertThat(p.allows(loose, "http://allowed.example.com")).as("same-origin " + loose).isFalse();
        }
        assertThat(p.allows("http://allowed.example.com", SELF)).isTrue();
        assertThat(p.allows("http://ALLOWED.example.com:80", SELF)).isTrue();
    }

    @Test
    void nullOriginOnlyWhenListedAndNeverByWildcard() {
        assertThat(new OriginPolicy(List.of("*")).allows("null", SELF)).isFalse();
        assertThat(new OriginPolicy(List.of("null")).allows("null", SELF)).isTrue();
        assertThat(new OriginPolicy(List.of("null")).allows("http://a.example", SELF)).isFalse();
    }

    @Test
    void ipv6LiteralsAndDefaultPortsCompareCanonically() {
        OriginPolicy p = new OriginPolicy(List.of("http://[0:0:0:0:0:0:0:1]:3000", "https://[2001:DB8::1]"));
        assertThat(p.allows("http://[::1]:3000", SELF)).isTrue();
        assertThat(p.allows("https://[2001:db8::1]:443", SELF)).isTrue();
        assertThat(p.allows("http://[::1]", SELF)).isFalse();
        assertThat(p.allows("http://[::1]:3000", "http://[::1]:8080")).isTrue();
        assertThat(new OriginPolicy(List.of()).allows("http://[::1]:8080", "http://[0::1]:8080")).isTrue();
        assertThat(p.allows("http://[zz::1]:3000", SELF)).isFalse();
        assertThat(p.allows("http://[127.0.0.1]:3000", SELF)).isFalse();
    }

    @Test
    void badAllowListEntriesAreRefusedAtStartup() {
        for (String bad : List.of("http://a.example/", "http://user@a.example", "a.example", "http://a.example:0",
                "http://a.example?x", "http://a.example, http://b.example", "")) {
            assertThatThrownBy(() -> new OriginPolicy(List.of(bad))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void refusalNamesWhatWasSeenAndWhatWasExpected() {
        OriginPolicy p = new OriginPolicy(List.of());
        assertThat(p.refusal("http://a.example", "http://b.example:8080"))
                .isEqualTo("origin http://a.example is not allowed: expected http://b.example:8080 (this server, as the"
                        + " request addressed it) or an origin on the allowlist (--allowed-origins, empty)");
        assertThat(new OriginPolicy(List.of("https://x.example")).refusal("http://a.example/p", "http://b.example"))
                .startsWith("origin http://a.example/p is not an origin (scheme://host[:port] only)")
                .endsWith("(--allowed-origins, 1 entry)");
    }

    /** One Origin header is its value as sent; two are joined, which no origin matches; none is null. */
    @Test
    void theOriginHeaderOfARequest() {
        assertThat(OriginPolicy.originHeader(HttpFields.build().add(HttpHeader.ORIGIN, SELF))).isEqualTo(SELF);
        String twice = OriginPolicy.originHeader(HttpFields.build().add(HttpHeader.ORIGIN, SELF).add(HttpHeader.ORIGIN, "http://evil.example"));
        assertThat(twice).isEqualTo(SELF + ", http://evil.example");
        assertThat(new OriginPolicy(List.of("*")).allows(twice, SELF)).isFalse();
        assertThat(OriginPolicy.originHeader(HttpFields.build().add(HttpHeader.HOST, "127.0.0.1:8080"))).isNull();
    }
}
