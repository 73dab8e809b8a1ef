package io.cometbridge.samples.scaleout;

import io.cometbridge.testing.RedisProcess;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Several bridge nodes for a test, each a {@link ScaleOutNode} in its own JVM, sharing a real
 * redis-server, behind a real nginx that sends each connection to the next node (round-robin, no
 * stickiness). Everything listens on loopback ports; {@link #close()} stops all of it.
 */
final class Cluster implements AutoCloseable {
    static final String NGINX = "/usr/sbin/nginx";

    final RedisProcess redis;
    private final Path dir;
    private final int[] ports;
    private final Process[] nodes;
    private Process nginx;
    private int nginxPort;

    private Cluster(RedisProcess redis, Path dir, int size) {
        this.redis = redis;
        this.dir = dir;
        this.ports = new int[size];
        this.nodes = new Process[size];
    }

    static Cluster start(int size) throws Exception {
        Cluster c = new Cluster(RedisProcess.start(), Files.createTempDirectory("cb-cluster-"), size);
        try {
            for (int i = 0; i < size; i++) {
                c.ports[i] = freePort();
                c.startNode(i);
            }
            c.startNginx();
            return c;
        } catch (Exception e) {
            c.close();
            throw e;
        }
    }

    /** The bridge through the load balancer: http://127.0.0.1:port/bridge */
    URI uri() {
        return URI.create("http://127.0.0.1:" + nginxPort + "/bridge");
    }

    int size() {
        return nodes.length;
    }

    /** Serves {@code content} through the balancer at /static/{@code name} (same origin as the bridge). */
    URI publish(String name, byte[] content) throws IOException {
        Path file = dir.resolve("static").resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        return URI.create("http://127.0.0.1:" + nginxPort + "/static/" + name);
    }

    /** The node that owns session {@code sid} now (its index), from the owner recorded in Redis; -1 if none. */
    int owner(String sid) {
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redis.uri());
        try (var c = client.connect()) {
            String node = c.sync().hget("cb:{" + sid + "}:meta", "node");
            for (int i = 0; i < ports.length; i++) if (("http://127.0.0.1:" + ports[i]).equals(node)) return i;
            return -1;
        } finally {
            client.shutdown();
        }
    }

    /** kill -9 of node {@code i}: no goodbye to anyone. */
    void kill(int i) throws InterruptedException {
        nodes[i].destroyForcibly();
        nodes[i].waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM to node {@code i}; returns how long it took to drain and exit, in milliseconds. */
    long stop(int i) throws InterruptedException {
        long start = System.nanoTime();
        nodes[i].destroy();
        if (!nodes[i].waitFor(30, TimeUnit.SECONDS)) throw new IllegalStateException("node " + i + " did not stop");
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /** Starts node {@code i} again on its port. */
    void restart(int i) throws Exception {
        startNode(i);
    }

    private void startNode(int i) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xmx192m",
                "-cp", System.getProperty("java.class.path"), ScaleOutNode.class.getName(), redis.uri(), String.valueOf(ports[i]))
                .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("node" + i + ".err").toFile())).start(); // every run of the node, for diagnostics
        nodes[i] = p;
        CountDownLatch up = new CountDownLatch(1);
        Thread reader = new Thread(() -> drain(p.getInputStream(), up), "node" + i + "-stdout");
        reader.setDaemon(true);
        reader.start();
        if (!up.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("node " + i + " did not start:\n" + Files.readString(dir.resolve("node" + i + ".err")));
        }
    }

    private static void drain(InputStream in, CountDownLatch up) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) if (line.startsWith("node listening on")) up.countDown();
        } catch (IOException gone) {
            // the node was killed
        }
    }

    private void startNginx() throws Exception {
        nginxPort = freePort();
        String template;
        try (InputStream in = Cluster.class.getResourceAsStream("/proxies/nginx-round-robin.conf")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String upstreams = java.util.Arrays.stream(ports)
                .mapToObj(p -> "        server 127.0.0.1:" + p + " max_fails=1 fail_timeout=1s;").collect(Collectors.joining("\n"));
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, template.replace("${PORT}", String.valueOf(nginxPort)).replace("${UPSTREAMS}", upstreams)
                .replace("${DIR}", dir.toString()));
        nginx = new ProcessBuilder(NGINX, "-p", dir.toString(), "-c", conf.toString(), "-e", dir.resolve("error.log").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), nginxPort)) {
                return;
            } catch (IOException notYet) {
                if (!nginx.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("nginx did not start:\n" + Files.readString(dir.resolve("nginx.out")));
                }
                Thread.sleep(20);
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The nodes' stderr, for failure messages. */
    String diagnostics() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            try {
                List<String> lines = Files.readAllLines(dir.resolve("node" + i + ".err"));
                out.add("--- node " + i);
                out.addAll(lines.subList(Math.max(0, lines.size() - 20), lines.size()));
            } catch (IOException ignored) {
                // diagnostics only
            }
        }
        return String.join("\n", out);
    }

    @Override
    public void close() throws Exception {
        if (nginx != null) {
            nginx.destroyForcibly();
            nginx.waitFor(10, TimeUnit.SECONDS);
        }
        for (Process p : nodes) {
            if (p == null) continue;
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        redis.close();
        try (var files = Files.walk(dir)) { // the nodes' logs and nginx's files: a failure message already quoted them
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
