package io.cometbridge.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (the Debian package) for a test: loopback only, a free port, no
 * persistence, its files in a temp folder. {@link #restart()} starts it again on the same port
 * with nothing in it (a Redis that lost its data). Stopped on close, and its folder deleted.
 */
public final class RedisProcess implements AutoCloseable {
    public static final String BINARY = "/usr/bin/redis-server";

    private final Path dir;
    private final int port;
    private Process process;

    private RedisProcess(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public static boolean installed() {
        return Files.isExecutable(Path.of(BINARY));
    }

    public static RedisProcess start() throws Exception {
        if (!installed()) throw new IllegalStateException("redis-server is not installed (scripts/install-test-deps.sh)");
        Path dir = Files.createTempDirectory("cb-redis-");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        RedisProcess redis = new RedisProcess(dir, port);
        redis.launch();
        return redis;
    }

    /** redis://127.0.0.1:port */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Kills it and starts an empty one on the same port. */
    public void restart() throws Exception {
        stop();
        launch();
    }

    private void launch() throws Exception {
        process = new ProcessBuilder(List.of(BINARY, "--bind", "127.0.0.1", "--port", String.valueOf(port),
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--protected-mode", "yes"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    stop();
                    throw new IllegalStateException("redis-server did not start on port " + port + ":\n"
                            + Files.readString(dir.resolve("redis.log")));
                }
                Thread.sleep(20);
            }
        }
    }

    private void stop() throws InterruptedException {
        if (process == null) return;
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        process = null;
    }

    @Override
    public void close() throws Exception {
        stop();
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) Files.deleteIfExists(f);
        }
        Files.deleteIfExists(dir);
    }
}
