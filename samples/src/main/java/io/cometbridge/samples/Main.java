package io.cometbridge.samples;

import io.cometbridge.api.BridgeHandler;
import io.cometbridge.bayeux.BayeuxModule;
import io.cometbridge.gateway.Gateway;
import io.cometbridge.metrics.PrometheusModule;
import io.cometbridge.server.HealthModule;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.cometbridge.polling.LongPollingModule;
import io.cometbridge.redis.RedisRoomRelay;
import io.cometbridge.redis.RedisSessionLog;
import io.cometbridge.samples.ab.ComparisonModule;
import io.cometbridge.samples.demo.DemoApp;
import io.cometbridge.server.BridgeServer;
import io.cometbridge.server.StaticResourcesModule;
import io.cometbridge.session.Bridge;
import io.cometbridge.session.BridgeConfig;
import io.cometbridge.session.SessionLog;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * The runnable Comet Bridge server: both transports under one prefix, the browser client's files,
 * and the demo apps (chat, live ticker) with their pages; or, with {@code --upstream}, the bridge
 * as a gateway in front of an existing WebSocket service (docs/GATEWAY.md).
 *
 * <pre>java -jar samples/target/comet-bridge.jar --port 0</pre>
 *
 * It prints one start line (see {@link RunningServer#startLine()}). SIGTERM or Ctrl-C closes every
 * session with 4003 "server shutdown", telling the clients, prints a last line and exits 0.
 */
@Command(name = "comet-bridge", sortOptions = false, usageHelpAutoWidth = true, versionProvider = Main.Version.class,
        customSynopsis = "comet-bridge [OPTIONS]%n",
        description = "Comet Bridge: one real-time session over WebSocket or HTTP long-polling, with demo apps.%n",
        footer = "%nDURATION is a whole number and a unit: 500ms, 20s, 1m, 2h.%n"
                + "Every option can also come from the environment (--poll-timeout: COMET_BRIDGE_POLL_TIMEOUT) or a config file"
                + " (--config FILE or COMET_BRIDGE_CONFIG; poll-timeout = 25s); the command line wins, then the environment.%n"
                + "SIGTERM or Ctrl-C closes every session with 4003 \"server shutdown\" (clients are told), then exits 0.")
public final class Main implements Callable<Integer> {

    @Mixin
    ServerOptions options = new ServerOptions();

    @Mixin
    UpstreamOptions upstream = new UpstreamOptions();

    @Spec
    CommandSpec spec;

    @CommandLine.Option(names = "--config", paramLabel = "FILE",
            description = "A properties file of options, one per line: poll-timeout = 25s (the long option names without --). The environment (COMET_BRIDGE_POLL_TIMEOUT) overrides it, the command line overrides both. Also from COMET_BRIDGE_CONFIG. Default: empty = none")
    java.nio.file.Path config;

    @CommandLine.Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
            description = "Log lines on stderr: text (one readable line per event) or json (one JSON object per line, for log collectors). -Dlogback.configurationFile=FILE replaces both. Default: ${DEFAULT-VALUE}")
    String logFormat;

    @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @CommandLine.Option(names = "--version", versionHelp = true, description = "Print the version and exit.")
    boolean version;

    /** Values not on the command line: the environment, the config file. */
    ConfigSources sources = ConfigSources.none();

    /** Lines for people and scripts; UTF-8 whatever the platform default (the start line has a dash). */
    private static final PrintStream OUT = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);

    public static void main(String[] args) {
        System.exit(commandLine(ConfigSources.load(args, System.getenv())).execute(args));
    }

    /**
     * Picks the logback configuration before the first logger exists: logback.xml (readable lines)
     * or logback-json.xml; {@code -Dlogback.configurationFile} wins.
     */
    private static void configureLogging(String format) {
        if (System.getProperty("logback.configurationFile") == null && format.equals("json")) {
            System.setProperty("logback.configurationFile", "logback-json.xml");
        }
    }

    /** The command line (help, errors with exit code 2); {@code execute} starts and serves until SIGTERM. */
    public static CommandLine commandLine() {
        return commandLine(ConfigSources.none());
    }

    /** The command line with values from the environment and a config file where it gives none. */
    public static CommandLine commandLine(ConfigSources sources) {
        Main main = new Main();
        main.sources = sources;
        CommandLine cl = new CommandLine(main);
        cl.setDefaultValueProvider(sources);
        cl.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("comet-bridge: " + e.getMessage());
            err.println("Try 'comet-bridge --help' for the options and their defaults.");
            err.flush();
            return CommandLine.ExitCode.USAGE;
        });
        return cl;
    }

    /** Parses {@code args} like the command line and starts the server (no shutdown hook: close it yourself). */
    public static RunningServer start(String... args) throws Exception {
        Main main = new Main();
        CommandLine cl = new CommandLine(main);
        cl.setDefaultValueProvider(ConfigSources.none());
        cl.parseArgs(args);
        main.options.validate();
        main.upstream.validate();
        return start(main.options, main.upstream);
    }

    /** Starts the bridge, both transports, the Bayeux endpoint, the client files and the demos. */
    public static RunningServer start(ServerOptions options) throws Exception {
        return start(options, new UpstreamOptions());
    }

    /** Starts the bridge, both transports, the Bayeux endpoint, the client files, and the demos or the gateway. */
    public static RunningServer start(ServerOptions options, UpstreamOptions upstream) throws Exception {
        BridgeConfig config = options.toBridgeConfig();
        DemoApp demo = upstream.enabled() ? null : new DemoApp(options.tickerInterval());
        BridgeHandler handler = demo != null ? demo : new Gateway(upstream.toGatewayConfig(config));
        RedisSessionLog log = options.redis() == null ? null : RedisSessionLog.forConfig(options.redis(), config, options.nodeUrl());
        Bridge bridge = Bridge.builder(handler).config(config).log(log == null ? SessionLog.IN_MEMORY : log).build();
        RedisRoomRelay relay = log == null ? null : RedisRoomRelay.attach(options.redis(), bridge.rooms()); // rooms span the nodes
        AutoCloseable app = log == null ? (AutoCloseable) handler : () -> {
            try (log; relay) {
                ((AutoCloseable) handler).close();
            }
        };
        if (demo != null) demo.start(bridge.rooms());
        BridgeServer.Builder builder = BridgeServer.builder(bridge)
                .host(options.host())
                .port(options.port())
                .acceptQueueSize(options.acceptQueue())
                .prefix(options.prefix())
                .drain(options.drain())
                .tls(options.tls())
                .plainHttp(options.plainHttp())
                .http2(options.http2())
                .allowedHosts(options.allowedHosts())
                .trustedProxies(options.trustedProxies())
                .stats(options.stats())
                .statsToken(options.stats() ? options.statsToken() : null)
                .module(new HealthModule())                                          // {prefix}/healthz, {prefix}/readyz
                .module(new LongPollingModule())
                .module(new BayeuxModule())                                          // {prefix}/cometd: unmodified CometD clients
                .module(StaticResourcesModule.atPrefix("io/cometbridge/client-js/")) // {prefix}/client.js, client.d.ts
                .module(StaticResourcesModule.at("/", "web/"));                     // demo pages
        if (options.metrics()) builder.module(prometheus(options.statsToken()));
        if (options.stats()) builder.module(new ComparisonModule(options.statsToken())); // {prefix}/ab/compare: on-demand A/B runs
        if (options.cometdJs() != null) { // the official CometD client for cometd.html, from an npm install
            ClassLoader folder = new java.net.URLClassLoader(new java.net.URL[]{options.cometdJs().toAbsolutePath().getParent().toUri().toURL()}, null);
            builder.module(StaticResourcesModule.at("/vendor/cometd", options.cometdJs().getFileName() + "/", folder));
        }
        BridgeServer server = builder.build();
        try {
            server.start();
        } catch (Exception e) {
            app.close();
            try {
                server.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return new RunningServer(server, app, demo != null ? "demo" : "gateway to " + upstream.describe());
    }

    /** {prefix}/metrics: the bridge's counters and the JVM's (memory, threads, CPU, GC). */
    private static PrometheusModule prometheus(String token) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        return new PrometheusModule(registry, token);
    }

    @Override
    public Integer call() throws Exception {
        try {
            String problem = sources.problem(EffectiveConfig.optionNames(spec));
            if (problem != null) throw new IllegalArgumentException(problem);
            if (!logFormat.equals("text") && !logFormat.equals("json")) {
                throw new IllegalArgumentException("--log-format must be text or json, not '" + logFormat + "'");
            }
            options.validate();
            upstream.validate();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        configureLogging(logFormat);
        PrintWriter err = spec.commandLine().getErr();
        EffectiveConfig effective = new EffectiveConfig(spec, sources);
        for (String warning : effective.secretsOnTheCommandLine()) err.println("comet-bridge: " + warning);
        err.print(effective.describe());
        err.flush();
        RunningServer running;
        try {
            running = start(options, upstream);
        } catch (Exception e) {
            spec.commandLine().getErr().println("comet-bridge: cannot start on " + options.host() + ":" + options.port() + ": " + e.getMessage());
            return 1;
        }
        OUT.println(running.startLine());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(running), "comet-bridge-shutdown"));
        running.awaitClosed();
        return 0;
    }

    /** What --version prints: the version Maven built (comet-bridge-version.properties). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            java.util.Properties p = new java.util.Properties();
            try (InputStream in = Main.class.getResourceAsStream("/comet-bridge-version.properties")) {
                if (in != null) p.load(in);
            }
            return new String[] {"comet-bridge " + p.getProperty("version", "(unknown version)")
                    + " (Java " + Runtime.version() + ", Jetty " + org.eclipse.jetty.util.Jetty.VERSION + ")"};
        }
    }

    /**
     * The shutdown hook (SIGTERM, Ctrl-C): a graceful close, one line, then exit status 0. A JVM
     * ended by a signal would otherwise exit 128+signal even after a clean stop, which process
     * managers report as a failure; {@code halt} keeps the status, and skips only the JVM's own
     * remaining hooks (ours is the one that matters).
     */
    private static void stop(RunningServer running) {
        int sessions = running.server().bridge().sessionCount();
        long start = System.nanoTime();
        try {
            running.close();
            long millis = (System.nanoTime() - start) / 1_000_000;
            OUT.println("Comet Bridge stopped in " + millis + " ms: " + sessions + " session(s) closed with 4003 server shutdown");
            OUT.flush();
            Runtime.getRuntime().halt(0);
        } catch (Throwable t) {
            System.err.println("comet-bridge: unclean shutdown: " + t);
            System.err.flush();
            Runtime.getRuntime().halt(1);
        }
    }
}
