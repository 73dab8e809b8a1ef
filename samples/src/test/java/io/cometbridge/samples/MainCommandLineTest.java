package io.cometbridge.samples;

import io.cometbridge.session.BridgeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The command line alone: help, errors and the mapping to BridgeConfig. No server starts here. */
class MainCommandLineTest {

    private record Run(int exitCode, String out, String err) {
    }

    /** Runs the command line in-process. Only ever called with args that stop before serving. */
    private static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        Run r = run("--help");
        assertThat(r.exitCode).isZero();
        String help = r.out.replaceAll("\\s+", " ");
        String[][] optionAndDefault = {
                {"--host=HOST", "Default: 127.0.0.1"},
                {"--port=PORT", "Default: 8080"},
                {"--accept-queue=N", "Default: 4096"},
                {"--prefix=PATH", "Default: /bridge"},
                {"--poll-timeout=DURATION", "Default: 20s"},
                {"--heartbeat=DURATION", "Default: 15s"},
                {"--grace=DURATION", "Default: 30s"},
                {"--allowed-origins=ORIGIN[,ORIGIN...]", "Default: empty = same-origin only"},
                {"--max-message-bytes=N", "Default: 262144"},
                {"--max-request-bytes=N", "Default: empty = 6 x the message limit + 130"},
                {"--max-queued-messages=N", "Default: 4096"},
                {"--max-queued-bytes=N", "Default: 8388608"},
                {"--max-sessions=N", "Default: 100000"},
                {"--drain=DURATION", "Default: 2s"},
                {"--ticker-interval=DURATION", "Default: 500ms"},
                {"--max-batch-frames=N", "Default: 1000"},
                {"--new-sessions-per-second=RATE", "Default: 20"},
                {"--new-session-burst=N", "Default: 50"},
                {"--allowed-hosts=HOST[,HOST...]", "Default: empty = none when bound to loopback, any otherwise"},
                {"--trusted-proxies=CIDR[,CIDR...]", "Default: empty = none"},
                {"--stats", "Serve {prefix}/stats"},
                {"--stats-token-file=FILE", "Default: empty = no token"},
                {"--tls-port=PORT", "Serve https/wss"},
                {"--no-http", "Serve only TLS"},
                {"--no-http2", "Serve HTTP/1.1 only"},
                {"--tls-client-auth=MODE", "Default: none"},
                {"--tls-truststore=FILE", "Default: empty"},
                {"--tls-truststore-password=PASSWORD", "Default: empty"},
        };
        for (String[] od : optionAndDefault) {
            int at = help.indexOf(od[0]);
            assertThat(at).as(od[0]).isNotNegative();
            int next = help.indexOf(" --", at + od[0].length());
            String entry = help.substring(at, next < 0 ? help.length() : next);
            assertThat(entry).as(od[0]).contains(od[1]);
        }
        assertThat(help).contains("-h, --help");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--port|abc|Invalid value for option '--port': 'abc' is not an int",
            "--port|70000|--port must be 0..65535",
            "--heartbeat|15|'15' is not a duration: use a whole number and a unit",
            "--grace|1.5s|'1.5s' is not a duration",
            "--poll-timeout|0s|--poll-timeout must be above zero",
            "--poll-timeout|90s|--poll-timeout 90s is above 55s: a held poll is an idle connection",
            "--heartbeat|2m|--heartbeat 2m is above 55s",
            "--grace|0s|--grace must be above zero: with none, a session ends the moment its transport drops",
            "--log-format|xml|--log-format must be text or json",
            "--prefix|bridge/|--prefix must look like /bridge",
            "--prefix|/|--prefix must look like /bridge",
            "--allowed-origins|https://ok.example.com,nope|'nope' is not an origin",
            "--allowed-origins|http://evil.com@ok.example.com|'http://evil.com@ok.example.com' is not an origin",
            "--allowed-origins|http://ok.example.com/app|'http://ok.example.com/app' is not an origin",
            "--max-sessions|0|--max-sessions must be at least 1",
            "--max-queued-bytes|lots|Invalid value for option '--max-queued-bytes'",
            "--new-sessions-per-second|0|--new-sessions-per-second must be above zero",
            "--max-batch-frames|0|--max-batch-frames must be at least 1",
            "--max-request-bytes|1048576|--max-request-bytes 1048576 cannot carry a message of --max-message-bytes 262144",
            "--tls-port|8443|--tls-port needs either --tls-cert and --tls-key, or --tls-keystore",
            "--tls-cert|cert.pem|TLS files given without --tls-port",
            "--tls-client-auth|need|--tls-client-auth need needs --tls-port and --tls-truststore",
            "--tls-client-auth|maybe|--tls-client-auth must be none, want or need, not 'maybe'",
            "--tls-truststore|ca.pem|--tls-truststore is only read with --tls-client-auth want or need",
            "--allowed-hosts|http://chat.example.com|'http://chat.example.com' is not a host name",
            "--stats-token-file|/nonexistent/token|--stats-token-file needs --stats",
            "--trusted-proxies|10.0.0.0/33|'10.0.0.0/33' is not an IP address or CIDR block",
            "--trusted-proxies|proxy.internal|'proxy.internal' is not an IP address or CIDR block",
            "--accept-queue|0|--accept-queue must be at least 1",
            "--frobnicate|1|Unknown option"})
    void badValueExitsWithCode2AndSaysWhy(String option, String value, String message) {
        Run r = run(option, value);
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).startsWith("comet-bridge: ").contains(message).contains("Try 'comet-bridge --help'");
        assertThat(r.out).isEmpty();
    }

    @Test
    void defaultsAreTheCoreDefaults() {
        assertThat(parse().toBridgeConfig()).isEqualTo(BridgeConfig.defaults());
        ServerOptions o = parse();
        assertThat(o.host()).isEqualTo("127.0.0.1");
        assertThat(o.port()).isEqualTo(8080);
        assertThat(o.prefix()).isEqualTo("/bridge");
        assertThat(o.drain()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.tickerInterval()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void everyOptionReachesTheConfig() {
        ServerOptions o = parse("--host", "0.0.0.0", "--port", "0", "--prefix", "/rt/bridge",
                "--poll-timeout", "5s", "--heartbeat", "50s", "--grace", "1s",
                "--allowed-origins", "https://a.example.com,http://b.example.com:8081",
                "--max-message-bytes", "1000", "--max-request-bytes", "7000", "--max-queued-messages", "30",
                "--max-queued-bytes", "40000", "--max-sessions", "50", "--drain", "250ms", "--ticker-interval", "1s");
        o.validate();
        BridgeConfig c = o.toBridgeConfig();
        assertThat(c.pollTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(50));
        assertThat(c.gracePeriod()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.allowedOrigins()).containsExactly("https://a.example.com", "http://b.example.com:8081");
        assertThat(c.maxMessageBytes()).isEqualTo(1000);
        assertThat(c.maxRequestBytes()).isEqualTo(7000);
        assertThat(c.maxQueuedMessages()).isEqualTo(30);
        assertThat(c.maxQueuedBytes()).isEqualTo(40000);
        assertThat(c.maxSessions()).isEqualTo(50);
        assertThat(o.host()).isEqualTo("0.0.0.0");
        assertThat(o.port()).isZero();
        assertThat(o.prefix()).isEqualTo("/rt/bridge");
        assertThat(o.drain()).isEqualTo(Duration.ofMillis(250));
        assertThat(o.tickerInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void clientCertificateOptionsReachTheTlsSettings() {
        ServerOptions o = parse("--tls-port", "0", "--tls-keystore", "server.p12", "--tls-client-auth", "want",
                "--tls-truststore", "clients.p12", "--tls-truststore-password", "pw");
        o.validate();
        assertThat(o.tls().clientAuth()).isEqualTo(io.cometbridge.server.TlsOptions.ClientAuth.WANT);
        assertThat(o.tls().truststore()).isEqualTo(java.nio.file.Path.of("clients.p12"));
        assertThat(o.tls().truststorePassword()).isEqualTo("pw");
        assertThat(o.tls().toString()).doesNotContain("pw,").contains("truststorePassword=****");
        ServerOptions none = parse("--tls-port", "0", "--tls-keystore", "server.p12");
        none.validate();
        assertThat(none.tls().clientAuth()).isEqualTo(io.cometbridge.server.TlsOptions.ClientAuth.NONE);
    }

    @Test
    void statsTokenComesFromAFileOrTheEnvironmentNeverTheCommandLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("token");
        java.nio.file.Files.writeString(file, "  from-the-file \nsecond line\n");
        ServerOptions o = parse("--stats", "--stats-token-file", file.toString());
        o.validate();
        assertThat(o.statsToken()).isEqualTo("from-the-file");

        ServerOptions fromEnv = parse("--stats");
        fromEnv.env = name -> name.equals(ServerOptions.STATS_TOKEN_ENV) ? "from-env" : null;
        assertThat(fromEnv.statsToken()).isEqualTo("from-env");
        assertThat(parse("--stats").statsToken()).as("no file, no variable").isNull();

        java.nio.file.Files.writeString(file, "\n");
        Run empty = run("--stats", "--stats-token-file", file.toString());
        assertThat(empty.exitCode).isEqualTo(2);
        assertThat(empty.err).contains("has no token on its first line");
        Run missing = run("--stats", "--stats-token-file", dir.resolve("nope").toString());
        assertThat(missing.exitCode).isEqualTo(2);
        assertThat(missing.err).contains("--stats-token-file: cannot read");
    }

    @Test
    void statsOffAndHostsDefaultWithoutOptions() {
        ServerOptions o = parse();
        assertThat(o.stats()).isFalse();
        assertThat(o.allowedHosts()).isEmpty();
        assertThat(o.trustedProxies()).isEmpty();
        assertThat(o.acceptQueue()).isEqualTo(4096);
        assertThat(parse("--accept-queue", "65535").acceptQueue()).isEqualTo(65535);
        assertThat(parse("--trusted-proxies", "127.0.0.1,10.0.0.0/8,fd00::/8").trustedProxies())
                .containsExactly("127.0.0.1", "10.0.0.0/8", "fd00::/8");
        assertThat(parse("--allowed-hosts", "chat.example.com,admin.example.com:8443").allowedHosts())
                .containsExactly("chat.example.com", "admin.example.com:8443");
    }

    @Test
    void durationForms() {
        DurationConverter d = new DurationConverter();
        assertThat(d.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(d.convert("20s")).isEqualTo(Duration.ofSeconds(20));
        assertThat(d.convert("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(d.convert("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(d.convert(" 30S ")).isEqualTo(Duration.ofSeconds(30));
        for (String bad : List.of("", "20", "s", "-1s", "1.5s", "20 s", "1d", "PT20S", "9999999999s")) {
            assertThatThrownBy(() -> d.convert(bad)).as(bad).isInstanceOf(TypeConversionException.class);
        }
    }

    private static ServerOptions parse(String... args) {
        Main main = new Main();
        new CommandLine(main).parseArgs(args);
        return main.options;
    }
}
