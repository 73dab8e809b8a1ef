package io.cometbridge.samples.bench;

import io.cometbridge.polling.LongPollingModule;
import io.cometbridge.samples.bench.floor.PollingFloorModule;
import io.cometbridge.samples.bench.floor.WebSocketFloor;
import io.cometbridge.protocol.Message;
import io.cometbridge.server.BridgeModule;
import io.cometbridge.server.StaticResourcesModule;
import io.cometbridge.server.BridgeServer;
import io.cometbridge.redis.RedisRoomRelay;
import io.cometbridge.redis.RedisSessionLog;
import io.cometbridge.session.Bridge;
import io.cometbridge.session.SessionLog;
import io.cometbridge.session.BridgeConfig;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server side of the benchmark: a bridge with both transports running {@link BenchApp}, its
 * statistics at {@code /bridge/stats}, the demo pages (the A/B page at {@code /ab.html}) and a
 * small control API for the load generator:
 * <ul>
 *   <li>{@code POST /bench/broadcast?rate=R&seconds=S&size=B}: broadcast R messages/s to the
 *       fan-out room for S seconds, each {@code "f<seq>:<epoch µs>:"} padded to B characters;</li>
 *   <li>{@code GET /bench/broadcast}: {@code {"sent":N,"running":bool}};</li>
 *   <li>{@code GET /bench/memory}: collect garbage, then {@code {"heapUsedBytes":N,"rssBytes":N}};</li>
 *   <li>{@code POST /bench/gc}: collect garbage (the benchmark then reads RSS from /proc, as for its peers).</li>
 * </ul>
 * The Socket.IO and CometD peers under {@code samples/peers/} offer the same broadcast and gc calls.
 * Run it alone ({@code java -cp comet-bridge.jar io.cometbridge.samples.bench.BenchServer --port 8080})
 * and point {@code Bench --url} at it, or let {@link Bench} start it as a child process.
 */
@Command(name = "bench-server", mixinStandardHelpOptions = true,
        description = "Comet Bridge benchmark server (echo + fan-out app, /bench control API).")
public final class BenchServer implements Callable<Integer>, AutoCloseable {
    /** The line a started server prints on stdout (a parent process waits for it). */
    public static final String READY = "BENCH-SERVER LISTENING";

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Interface to listen on (default ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";
    @Option(names = "--port", defaultValue = "0", description = "Port; 0 picks a free one (default ${DEFAULT-VALUE}).")
    int port;
    @Option(names = "--exit-on-stdin-eof", description = "Stop when standard input closes (the parent died).")
    boolean exitOnStdinEof;
    @Option(names = "--redis", paramLabel = "URI", description = "Keep sessions in this Redis, as a node of several (docs/SCALE_OUT.md); default: in memory.")
    String redis;

    @Option(names = "--floor", description = "Calibration, not the bridge: polling and WebSocket answered by minimal Jetty core"
            + " handlers (PollingFloorModule, WebSocketFloor; echo, connect storm and WebSocket fan-out), on the same connector and handlers.")
    boolean floor;

    private BridgeServer server;
    private WebSocketFloor wsFloor;    // with --floor
    private RedisSessionLog log;       // with --redis
    private RedisRoomRelay relay;      // with --redis
    private final ScheduledExecutorService broadcaster = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-broadcaster");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong broadcastSent = new AtomicLong();
    private volatile ScheduledFuture<?> broadcast;
    private volatile boolean broadcasting;

    public static void main(String[] args) {
        int code = new CommandLine(new BenchServer()).execute(args);
        if (code != 0) System.exit(code);
    }

    @Override
    public Integer call() throws Exception {
        start(host, port);
        Runtime.getRuntime().addShutdownHook(new Thread(this::closeQuietly, "bench-server-stop"));
        System.out.println(READY + " " + server.port() + " PID " + ProcessHandle.current().pid());
        System.out.flush();
        if (exitOnStdinEof) {
            while (System.in.read() >= 0) {
                // wait for EOF
            }
            closeQuietly();
            System.exit(0);
        }
        server.jetty().join();
        return 0;
    }

    /** Starts in this JVM (the benchmark's in-process mode, tests). */
    public static BenchServer startInProcess() throws Exception {
        return startInProcess(false);
    }

    /** Starts in this JVM on a free loopback port; {@code floor}: as {@code --floor}. */
    public static BenchServer startInProcess(boolean floor) throws Exception {
        BenchServer s = new BenchServer();
        s.floor = floor;
        s.start("127.0.0.1", 0);
        return s;
    }

    private void start(String host, int port) throws Exception {
        BridgeConfig config = BridgeConfig.builder()
                // every load-generator client comes from 127.0.0.1: lift the per-address session rate
                .newSessionsPerSecond(1_000_000).newSessionBurst(1_000_000)
                .maxSessions(200_000)
                .build();
        if (redis != null && port == 0) port = freePort(host); // the node's URL in Redis must name its real port (forwarding)
        if (redis != null) log = RedisSessionLog.forConfig(redis, config, "http://" + host + ":" + port);
        Bridge bridge = Bridge.builder(new BenchApp()).config(config).log(log == null ? SessionLog.IN_MEMORY : log).build();
        if (redis != null) relay = RedisRoomRelay.attach(redis, bridge.rooms());
        server = BridgeServer.builder(bridge)
                .host(host).port(port)
                .drain(Duration.ofSeconds(1))
                .stats(true) // the load generator and the A/B page read /bridge/stats
                .module(floor ? new PollingFloorModule() : new LongPollingModule())
                .module(ctx -> control(ctx))
                // The A/B page (ab.html), served as the runnable server serves its pages. Jetty's
                // ResourceHandler on a classpath folder mounted the whole jar as a zip file system (an
                // index of its 23,000 entries): 6 MB of live heap that no deployment of the bridge
                // carries, which put the fan-out's live set at G1's threshold for concurrent marking.
                .module(StaticResourcesModule.at("/", "web/"))
                .build();
        if (floor) {
            wsFloor = new WebSocketFloor();
            server.jetty().setHandler(wsFloor.inFrontOf(server.jetty(), server.jetty().getHandler(), "/bridge/ws"));
        }
        server.start();
    }

    private static int freePort(String host) throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
            return s.getLocalPort();
        }
    }

    public int port() {
        return server.port();
    }

    public BridgeServer bridgeServer() {
        return server;
    }

    private ContextHandler control(BridgeModule.ModuleContext module) {
        ContextHandler ctx = new ContextHandler("/bench");
        ctx.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String path = Request.getPathInContext(request);
                String json;
                if (path.equals("/broadcast") && request.getMethod().equals("POST")) {
                    Fields q = Request.extractQueryParameters(request);
                    json = startBroadcast(module.bridge(), q.getValue("room"),
                            Double.parseDouble(q.getValue("rate")), Double.parseDouble(q.getValue("seconds")),
                            Integer.parseInt(q.getValue("size")));
                } else if (path.equals("/broadcast")) {
                    json = "{\"sent\":" + broadcastSent.get() + ",\"running\":" + broadcasting + "}";
                } else if (path.equals("/memory")) {
                    json = memory();
                } else if (path.equals("/gc")) {
                    System.gc();
                    System.gc();
                    json = "{\"gc\":true}";
                } else {
                    return false;
                }
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
                response.write(true, ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
        return ctx;
    }

    private synchronized String startBroadcast(Bridge bridge, String room, double rate, double seconds, int size) {
        if (broadcast != null) broadcast.cancel(false);
        String target = room == null ? BenchApp.ROOM : room;
        broadcastSent.set(0);
        long periodNanos = Math.max(1000, (long) (1e9 / rate));
        long total = Math.max(1, Math.round(rate * seconds));
        broadcasting = true;
        broadcast = broadcaster.scheduleAtFixedRate(() -> {
            long seq = broadcastSent.get() + 1;
            if (seq > total) {
                broadcasting = false;
                throw new RuntimeException("done"); // ends the schedule
            }
            if (wsFloor != null) wsFloor.broadcast(fanoutText(seq, size));
            else bridge.rooms().broadcast(target, Message.text(fanoutText(seq, size)));
            broadcastSent.set(seq);
        }, 0, periodNanos, TimeUnit.NANOSECONDS);
        return "{\"total\":" + total + "}";
    }

    /** {@code f<seq>:<epoch µs>:} padded with dots to {@code size} characters. */
    static String fanoutText(long seq, int size) {
        StringBuilder b = new StringBuilder(Math.max(size, 32)).append('f').append(seq).append(':').append(epochMicros()).append(':');
        while (b.length() < size) b.append('.');
        return b.toString();
    }

    static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    private static String memory() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return "{\"heapUsedBytes\":" + heap + ",\"rssBytes\":" + rss() + "}";
    }

    static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    private void closeQuietly() {
        try {
            close();
        } catch (Exception e) {
            // stopping anyway
        }
    }

    @Override
    public synchronized void close() throws Exception {
        broadcaster.shutdownNow();
        if (wsFloor != null) wsFloor.stop();
        if (server != null) {
            BridgeServer s = server;
            server = null;
            s.close();
        }
        if (relay != null) relay.close();
        if (log != null) log.close();
    }
}
