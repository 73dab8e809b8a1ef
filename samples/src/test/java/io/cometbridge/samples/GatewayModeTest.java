package io.cometbridge.samples;

import io.cometbridge.client.BridgeClient;
import io.cometbridge.gateway.GatewayConfig;
import io.cometbridge.gateway.UpstreamOrigin;
import io.cometbridge.gateway.testing.TestUpstream;
import io.cometbridge.testing.ClientLog;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The server's gateway mode from the command line: its options, and one message there and back through it. */
class GatewayModeTest {

    private static int exitCode(StringWriter err, String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void theUpstreamOptionsMapToTheGatewaysSettings() {
        Main main = new Main();
        new CommandLine(main).parseArgs("--upstream", "wss://svc.internal/chat?token=t", "--upstream-headers", "Authorization,X-User",
                "--upstream-cookies", "session", "--upstream-origin", "rewrite:https://app.example", "--upstream-subprotocols", "chat.v2",
                "--upstream-on-close", "reconnect", "--upstream-reconnect-for", "1m", "--upstream-insecure", "--max-queued-messages", "400");
        main.upstream.validate();
        GatewayConfig c = main.upstream.toGatewayConfig(main.options.toBridgeConfig());
        assertThat(c.headers()).containsExactlyInAnyOrder("authorization", "x-user");
        assertThat(c.cookies()).containsExactly("session");
        assertThat(c.origin()).isEqualTo(UpstreamOrigin.parse("rewrite:https://app.example"));
        assertThat(c.subprotocols()).containsExactly("chat.v2");
        assertThat(c.onClose()).isEqualTo(GatewayConfig.OnClose.RECONNECT);
        assertThat(c.reconnectFor()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.insecure()).isTrue();
        assertThat(c.clientWindow().messages()).isEqualTo(100); // a quarter of the replay buffer
        assertThat(main.upstream.describe()).isEqualTo("wss://svc.internal/chat"); // no query on the start line
    }

    @Test
    void badUpstreamOptionsExitWithStatus2AndSayWhy() {
        List<List<String>> bad = List.of(
                List.of("--upstream-headers", "X-User"),
                List.of("--upstream", "http://svc/"),
                List.of("--upstream", "ws://svc/", "--upstream-on-close", "retry"),
                List.of("--upstream", "ws://svc/", "--upstream-origin", "keep"),
                List.of("--upstream", "ws://svc/", "--upstream-headers", "Cookie"),
                List.of("--upstream", "wss://svc/", "--upstream-insecure", "--upstream-trust-store", "ca.pem"));
        for (List<String> args : bad) {
            StringWriter err = new StringWriter();
            assertThat(exitCode(err, args.toArray(String[]::new))).as(String.join(" ", args)).isEqualTo(2);
            assertThat(err.toString()).as(String.join(" ", args)).contains("--upstream");
        }
    }

    @Test
    void withUpstreamTheServerRelaysToTheService() throws Exception {
        try (TestUpstream upstream = new TestUpstream();
             RunningServer server = Main.start("--port", "0", "--upstream", upstream.uri().toString(), "--upstream-headers", "x-user")) {
            assertThat(server.startLine()).contains("(gateway to " + upstream.uri() + ")");
            ClientLog log = new ClientLog();
            try (BridgeClient client = BridgeClient.builder(server.bridgeUri()).listener(log).build()) {
                client.connect().get();
                client.send("there and back").get();
                await().until(() -> log.messages.size() == 1);
                assertThat(log.texts()).containsExactly("there and back");
            }
        }
    }
}
