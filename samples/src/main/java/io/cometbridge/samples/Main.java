package io.cometbridge.samples;

import io.cometbridge.api.BridgeHandler;
import io.cometbridge.bayeux.BayeuxModule;
import io.cometbridge.gateway.Gateway;
import io.cometbridge.polling.LongPollingModule;
import io.cometbridge.samples.demo.DemoApp;
import io.cometbridge.server.BridgeServer;
import io.cometbridge.server.StaticResourcesModule;
import io.cometbridge.session.Bridge;
import io.cometbridge.session.BridgeConfig;
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
import java.util.logging.LogManager;

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
@Command(name = "comet-bridge", sortOptions = false, usageHelpAutoWidth = true,
        customSynopsis = "comet-bridge [OPTIONS]%n",
        description = "Comet Bridge: one real-time session over WebSocket or HTTP long-polling, with demo apps.%n",
        footer = "%nDURATION is a whole number and a unit: 500ms, 20s, 1m, 2h.%n"
                + "SIGTERM or Ctrl-C closes every session with 4003 \"server shutdown\" (clients are told), then exits 0.")
public final class Main implements Callable<Integer> {

    @Mixin
    ServerOptions options = new ServerOptions();

    @Mixin
    UpstreamOptions upstream = new UpstreamOptions();

    @Spec
    CommandSpec spec;

    @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    /** Lines for people and scripts; UTF-8 whatever the platform default (the start line has a dash). */
    private static final PrintStream OUT = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);

    public static void main(String[] args) {
        configureLogging();
        System.exit(commandLine().execute(args));
    }

    /** INFO to stderr, one line per record, Jetty's per-context chatter off; {@code -Djava.util.logging.config.file} wins. */
    private static void configureLogging() {
        if (System.getProperty("java.util.logging.config.file") != null || System.getProperty("java.util.logging.config.class") != null) {
            return;
        }
        try (InputStream in = Main.class.getResourceAsStream("/comet-bridge-logging.properties")) {
            if (in != null) LogManager.getLogManager().readConfiguration(in);
        } catch (IOException e) {
            System.err.println("comet-bridge: default logging kept: " + e);
        }
    }

    /** The command line (help, errors with exit code 2); {@code execute} starts and serves until SIGTERM. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
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
        new CommandLine(main).parseArgs(args);
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
        AutoCloseable app = (AutoCloseable) handler;
        Bridge bridge = Bridge.builder(handler).config(config).build();
        if (demo != null) demo.start(bridge.rooms());
        BridgeServer.Builder builder = BridgeServer.builder(bridge)
                .host(options.host())
                .port(options.port())
                .acceptQueueSize(options.acceptQueue())
                .prefix(options.prefix())
                .drain(options.drain())
                .tls(options.tls())
                .plainHttp(options.plainHttp())
                .allowedHosts(options.allowedHosts())
                .trustedProxies(options.trustedProxies())
                .stats(options.stats())
                .statsToken(options.stats() ? options.statsToken() : null)
                .module(new LongPollingModule())
                .module(new BayeuxModule())                                          // {prefix}/cometd: unmodified CometD clients
                .module(StaticResourcesModule.atPrefix("io/cometbridge/client/")) // {prefix}/client.js, client.d.ts
                .module(StaticResourcesModule.at("/", "web/"));                     // demo pages
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

    @Override
    public Integer call() throws Exception {
        try {
            options.validate();
            upstream.validate();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
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
