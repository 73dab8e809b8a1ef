package io.cometbridge.samples.browser;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real proxy (squid or nginx from Debian) run by a test: its config comes from
 * {@code src/test/resources/proxies/}, with only where it listens and writes filled in (a loopback
 * port, a temp folder). Stopped, with its helpers, on close.
 */
final class ProxyProcess implements AutoCloseable {
    final String name;
    final Path dir;
    final int port;
    private final Process process;

    private ProxyProcess(String name, Path dir, int port, Process process) {
        this.name = name;
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    static boolean installed(String binary) {
        return Files.isExecutable(Path.of(binary));
    }

    /** Squid with Debian's default access rules: CONNECT only to port 443. */
    static ProxyProcess squid() throws Exception {
        Path dir = TempDirs.open("cb-squid-");
        int port = TempDirs.freePort();
        Path conf = writeConfig("squid.conf", dir, Map.of("PORT", String.valueOf(port), "DIR", dir.toString()));
        // -N: stay in the foreground; -n: its own service name, so parallel squids share no SHM segments.
        String service = "cbtest" + ProcessHandle.current().pid() + "x" + port;
        return start("squid", dir, port, List.of("/usr/sbin/squid", "-N", "-n", service, "-f", conf.toString()));
    }

    /** nginx as a reverse proxy with a plain proxy_pass to the bridge (it drops Upgrade). */
    static ProxyProcess nginx(int port, int upstreamPort) throws Exception {
        return nginx("nginx.conf", port, upstreamPort);
    }

    /** nginx with the config {@code proxies/<template>} (nginx-trusted.conf: the README's settings). */
    static ProxyProcess nginx(String template, int port, int upstreamPort) throws Exception {
        Path dir = TempDirs.open("cb-nginx-");
        Path conf = writeConfig(template, dir,
                Map.of("PORT", String.valueOf(port), "UPSTREAM_PORT", String.valueOf(upstreamPort), "DIR", dir.toString()));
        return start("nginx", dir, port, List.of("/usr/sbin/nginx", "-p", dir.toString(), "-c", conf.toString(),
                "-e", dir.resolve("error.log").toString()));
    }

    private static Path writeConfig(String template, Path dir, Map<String, String> values) throws IOException {
        String text;
        try (InputStream in = ProxyProcess.class.getResourceAsStream("/proxies/" + template)) {
            if (in == null) throw new IOException("missing test resource proxies/" + template);
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (Map.Entry<String, String> e : values.entrySet()) text = text.replace("${" + e.getKey() + "}", e.getValue());
        Path conf = dir.resolve(template);
        Files.writeString(conf, text);
        return conf;
    }

    private static ProxyProcess start(String name, Path dir, int port, List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("console.log").toFile()).start();
        ProxyProcess proxy = new ProxyProcess(name, dir, port, p);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return proxy;
            } catch (IOException notYet) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    String why = proxy.diagnostics();
                    proxy.close();
                    throw new IllegalStateException(name + " did not start on port " + port + ":\n" + why);
                }
                Thread.sleep(50);
            }
        }
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    /** The proxy's access log lines (squid writes them as transactions end). */
    List<String> accessLog() throws IOException {
        Path log = dir.resolve("access.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    /** Console and error logs, for failure messages. */
    String diagnostics() {
        List<String> out = new ArrayList<>();
        for (String f : List.of("console.log", "cache.log", "error.log")) {
            try {
                Path p = dir.resolve(f);
                if (Files.exists(p)) {
                    List<String> lines = Files.readAllLines(p);
                    out.add("--- " + f);
                    out.addAll(lines.subList(Math.max(0, lines.size() - 30), lines.size()));
                }
            } catch (IOException ignored) {
                // diagnostics only
            }
        }
        return String.join("\n", out);
    }

    @Override
    public void close() throws Exception {
        try {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } finally {
            TempDirs.delete(dir);
        }
    }
}
