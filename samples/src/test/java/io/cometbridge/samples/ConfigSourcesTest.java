package io.cometbridge.samples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Options from the command line, the environment and a config file: the command line wins, then the environment. */
class ConfigSourcesTest {

    private static Main parse(Map<String, String> env, String... args) {
        CommandLine cl = Main.commandLine(ConfigSources.load(args, env));
        cl.parseArgs(args);
        return cl.getCommand();
    }

    @Test
    void commandLineBeatsEnvironmentBeatsFileBeatsDefault(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bridge.properties");
        Files.writeString(file, "# a comment\nport = 9001\nprefix = /from-file\npoll-timeout = 25s\nallowed-origins = https://a.example.com,https://b.example.com\nstats = true\n");
        Map<String, String> env = Map.of("COMET_BRIDGE_PORT", "9002", "COMET_BRIDGE_HEARTBEAT", "10s");

        Main m = parse(env, "--config", file.toString(), "--port", "9003");
        assertThat(m.options.port()).as("command line").isEqualTo(9003);
        assertThat(m.options.toBridgeConfig().heartbeatInterval()).as("environment").isEqualTo(Duration.ofSeconds(10));
        assertThat(m.options.prefix()).as("file").isEqualTo("/from-file");
        assertThat(m.options.toBridgeConfig().pollTimeout()).as("file").isEqualTo(Duration.ofSeconds(25));
        assertThat(m.options.toBridgeConfig().allowedOrigins()).containsExactly("https://a.example.com", "https://b.example.com");
        assertThat(m.options.stats()).as("a flag from the file").isTrue();
        assertThat(m.options.drain()).as("default").isEqualTo(Duration.ofSeconds(2));

        assertThat(parse(env, "--config=" + file).options.port()).as("environment over file").isEqualTo(9002);
        assertThat(parse(Map.of("COMET_BRIDGE_CONFIG", file.toString())).options.port()).as("file named by the environment").isEqualTo(9001);
    }

    @Test
    void passwordsInUrlsAreMasked() {
        assertThat(EffectiveConfig.withoutCredentials("redis://:s3cret@127.0.0.1:6379/0")).isEqualTo("redis://****@127.0.0.1:6379/0");
        assertThat(EffectiveConfig.withoutCredentials("wss://user:pw@svc.example/chat")).isEqualTo("wss://****@svc.example/chat");
        assertThat(EffectiveConfig.withoutCredentials("ws://svc.example/a@b")).isEqualTo("ws://svc.example/a@b");
    }

    @Test
    void theEffectiveConfigurationNamesEachSourceAndMasksSecrets(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bridge.properties");
        Files.writeString(file, "tls-keystore-password = from-the-file\ngrace = 45s\n");
        String[] args = {"--config", file.toString(), "--port", "0", "--upstream-trust-store-password", "on-the-line"};
        CommandLine cl = Main.commandLine(ConfigSources.load(args, Map.of("COMET_BRIDGE_HEARTBEAT", "10s",
                "COMET_BRIDGE_TLS_TRUSTSTORE_PASSWORD", "trust-secret")));
        cl.parseArgs(args);
        Main m = cl.getCommand();
        EffectiveConfig effective = new EffectiveConfig(cl.getCommandSpec(), m.sources);
        String text = effective.describe();
        assertThat(text).contains("--port=0  (command line)")
                .contains("--heartbeat=10s  (environment COMET_BRIDGE_HEARTBEAT)")
                .contains("--grace=45s  (config file)")
                .contains("--drain=2s  (default)")
                .contains("--tls-keystore-password=****  (config file)")
                .contains("--upstream-trust-store-password=****  (command line)")
                .contains("--tls-truststore-password=****  (environment COMET_BRIDGE_TLS_TRUSTSTORE_PASSWORD)")
                .doesNotContain("trust-secret").doesNotContain("from-the-file").doesNotContain("on-the-line");
        assertThat(effective.secretsOnTheCommandLine()).singleElement().asString()
                .contains("--upstream-trust-store-password on the command line").contains("COMET_BRIDGE_UPSTREAM_TRUST_STORE_PASSWORD");
    }

    @Test
    void aTypoInTheFileOrAnUnreadableFileStopsTheServerWithTheReason(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bridge.properties");
        Files.writeString(file, "pol-timeout = 25s\n");
        Run typo = run("--config", file.toString());
        assertThat(typo.code).isEqualTo(2);
        assertThat(typo.err).contains("no option is called pol-timeout");
        Run missing = run("--config", dir.resolve("nope.properties").toString());
        assertThat(missing.code).isEqualTo(2);
        assertThat(missing.err).contains("--config: cannot read");
    }

    @Test
    void aBadValueFromTheEnvironmentIsRefusedLikeOneOnTheCommandLine() {
        Run r = run(Map.of("COMET_BRIDGE_GRACE", "0s"));
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains("--grace must be above zero");
    }

    @Test
    void versionPrintsTheBuiltVersion() {
        Run r = run("--version");
        assertThat(r.code).isZero();
        assertThat(r.out).startsWith("comet-bridge 0.").contains("Jetty 12.");
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        return run(Map.of(), args);
    }

    /** Only ever called with arguments that stop before serving. */
    private static Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine(ConfigSources.load(args, env));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
