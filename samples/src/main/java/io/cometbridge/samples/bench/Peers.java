package io.cometbridge.samples.bench;

import io.cometbridge.samples.bench.peer.Deployment;
import io.cometbridge.samples.bench.peer.RedisServer;
import io.cometbridge.samples.bench.peer.ServerProcess;

import io.cometbridge.samples.bench.load.Target;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where the three servers live and how each is started: the bridge's {@link BenchServer} in a child
 * JVM on this class path, the Socket.IO peer ({@code samples/peers/socketio}, Node) and the CometD
 * peer ({@code samples/peers/cometd}, its own Maven project and jar). Builds the peers when missing.
 */
public final class Peers {
    private final Path peersDir;
    private final List<String> jvmOptions;
    private List<String> bridgeOptions = List.of(); // extra BenchServer options, e.g. --redis=URI
    private String nodesRedis; // the Redis of the bridge's nodes (bridge-redis, bridge-2nodes); null: a fresh one per run

    public Peers(Path peersDir, List<String> jvmOptions) {
        this.peersDir = peersDir.toAbsolutePath().normalize();
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /** {@code samples/peers} found from the working directory upwards (the repository or samples/). */
    public static Path locate() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isDirectory(dir.resolve("samples/peers"))) return dir.resolve("samples/peers");
            if (Files.isDirectory(dir.resolve("peers/socketio"))) return dir.resolve("peers");
            dir = dir.getParent();
        }
        throw new IllegalStateException("samples/peers not found from " + Path.of("").toAbsolutePath());
    }

    public Path socketIoDir() {
        return peersDir.resolve("socketio");
    }

    public Path cometdJar() {
        return peersDir.resolve("cometd/target/cometd-peer.jar");
    }

    /** Runs {@code npm ci} when its output is missing and the CometD build when its jar is missing or stale (both always, with {@code force}). */
    public void ensureBuilt(boolean force, Appendable progress) throws IOException, InterruptedException {
        if (force || !Files.isDirectory(socketIoDir().resolve("node_modules/socket.io"))) {
            progress.append("[bench] npm ci in ").append(socketIoDir().toString()).append('\n');
            run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), socketIoDir());
        }
        if (force || stale(cometdJar(), peersDir.resolve("cometd"))) {
            progress.append("[bench] building the CometD peer\n");
            run(List.of("mvn", "-B", "-q", "-f", peersDir.resolve("cometd/pom.xml").toString(), "package"), peersDir);
        }
    }

    /** The jar is missing, or older than its project's pom or a source file (a checkout changed the peer). */
    private static boolean stale(Path jar, Path project) throws IOException {
        if (!Files.isRegularFile(jar)) return true;
        java.nio.file.attribute.FileTime built = Files.getLastModifiedTime(jar);
        if (Files.getLastModifiedTime(project.resolve("pom.xml")).compareTo(built) > 0) return true;
        try (var files = Files.walk(project.resolve("src"))) {
            return files.anyMatch(f -> {
                try {
                    return Files.getLastModifiedTime(f).compareTo(built) > 0;
                } catch (IOException e) {
                    return true; // unreadable: rebuild rather than run an old peer
                }
            });
        }
    }

    private static void run(List<String> command, Path dir) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run " + command.get(0) + " (is it installed? scripts/install-test-deps.sh installs node and npm): " + e.getMessage(), e);
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed in " + dir + ":\n" + out);
        }
    }

    /** Extra options for the bridge's BenchServer (its sessions in Redis, for example). */
    public Peers bridgeOptions(List<String> options) {
        this.bridgeOptions = List.copyOf(options);
        return this;
    }

    /** The Redis the bridge's nodes of the scale-out comparison use (null: the benchmark starts one per run). */
    public Peers nodesRedis(String uri) {
        this.nodesRedis = uri;
        return this;
    }

    /**
     * Starts what {@code system} runs on: its one server, or (bridge on Redis) a redis-server of its
     * own unless one was given, and the bridge's node(s) on it. Logs go to {@code logPrefix}*.log.
     */
    public Deployment deploy(Target.Sys system, Path logPrefix) throws IOException, InterruptedException {
        String prefix = logPrefix.getFileName().toString();
        if (!system.onRedis()) return new Deployment(List.of(start(system, logPrefix.resolveSibling(prefix + ".log"))), null);
        RedisServer redis = nodesRedis == null ? RedisServer.start(logPrefix.resolveSibling(prefix + "-redis.log")) : null;
        List<ServerProcess> nodes = new ArrayList<>();
        try {
            String uri = redis != null ? redis.uri() : nodesRedis;
            for (int i = 1; i <= system.nodes(); i++) {
                nodes.add(startBridge(List.of("--redis=" + uri), logPrefix.resolveSibling(prefix + "-node" + i + ".log")));
            }
            return new Deployment(nodes, redis);
        } catch (IOException | RuntimeException e) {
            new Deployment(nodes, redis).close();
            throw e;
        }
    }

    private ServerProcess startBridge(List<String> options, Path log) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchServer.class.getName(), "--port=0", "--exit-on-stdin-eof"));
        cmd.addAll(options);
        return ServerProcess.start(cmd, null, log);
    }

    /** Starts the server for {@code target}'s system (one process serves both transports). */
    public ServerProcess start(Target.Sys system, Path log) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>();
        switch (system) {
            case BRIDGE -> {
                return startBridge(bridgeOptions, log);
            }
            case BRIDGE_REDIS, BRIDGE_TWO_NODES -> throw new IllegalArgumentException(system + " runs on several processes: deploy()");
            case COMETD -> {
                cmd.add(java);
                cmd.addAll(jvmOptions);
                cmd.addAll(List.of("-jar", cometdJar().toString(), "--port", "0"));
                return ServerProcess.start(cmd, null, log);
            }
            default -> {
                cmd.addAll(List.of("node", "--expose-gc", "server.js", "--port", "0"));
                return ServerProcess.start(cmd, socketIoDir(), log);
            }
        }
    }

    /** Versions for the report. */
    public String describe(Target.Sys system) {
        return switch (system) {
            case BRIDGE -> "Comet Bridge (BenchServer, this build)" + (bridgeOptions.isEmpty() ? "" : " " + String.join(" ", bridgeOptions))
                    + ", JVM " + String.join(" ", jvmOptions);
            case BRIDGE_REDIS, BRIDGE_TWO_NODES -> "Comet Bridge (BenchServer, this build), " + system.nodes() + " node(s) with --redis on "
                    + (nodesRedis != null ? nodesRedis : "a redis-server " + redisVersion() + " of the benchmark's own (fresh per run)")
                    + (system.nodes() > 1 ? ", clients alternating between the nodes" : "") + ", JVM " + String.join(" ", jvmOptions);
            case COMETD -> "CometD 8.0.10 on Jetty 12.0 (CometDServlet + JettyWebSocketTransport), JVM " + String.join(" ", jvmOptions);
            default -> "Socket.IO 4.8.4 on Node " + nodeVersion() + " (http module)";
        };
    }

    private static String nodeVersion() {
        return version("node", "--version");
    }

    private static String redisVersion() {
        String v = version(RedisServer.BINARY, "--version"); // "Redis server v=7.0.15 sha=…"
        int at = v.indexOf("v=");
        return at < 0 ? v : v.substring(at + 2).split("\\s+")[0];
    }

    private static String version(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return v;
        } catch (Exception e) {
            return "?";
        }
    }
}
