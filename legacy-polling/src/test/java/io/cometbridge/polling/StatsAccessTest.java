package io.cometbridge.polling;

import io.cometbridge.testing.RawHttp;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 9 item 4: {prefix}/stats is off unless the server turns it on, and may need a token. */
class StatsAccessTest {
    private TestServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) server.close();
    }

    private void start(Consumer<io.cometbridge.server.BridgeServer.Builder> settings) throws Exception {
        server = new TestServer(new RecordingApp(RecordingApp.Mode.ECHO), TestServer.config().build(),
                List.of(new LongPollingModule()), settings);
    }

    private RawHttp.Response stats(String extraHeaders) throws Exception {
        return RawHttp.get(server.port(), "/bridge/stats", "127.0.0.1:" + server.port(), extraHeaders);
    }

    @Test
    void offByDefault() throws Exception {
        start(b -> { });
        RawHttp.Response r = stats("");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body()).contains("\"error\":\"not_found\"");
    }

    @Test
    void onWhenAsked() throws Exception {
        start(b -> b.stats(true));
        RawHttp.Response r = stats("");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).startsWith("{\"v\":1");
    }

    @Test
    void withATokenOnlyTheBearerReadsIt() throws Exception {
        start(b -> b.stats(true).statsToken("s3cret-token"));
        for (String wrong : List.of("", "Authorization: Bearer nope\r\n", "Authorization: s3cret-token\r\n",
                "Authorization: Bearer s3cret-token-and-more\r\n")) {
            RawHttp.Response r = stats(wrong);
            assertThat(r.status()).as(wrong).isEqualTo(401);
            assertThat(r.body()).contains("\"error\":\"unauthorized\"").doesNotContain("s3cret");
            assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
        }
        RawHttp.Response ok = stats("Authorization: Bearer s3cret-token\r\n");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body()).startsWith("{\"v\":1");
    }
}
