package io.cometbridge.samples.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The server under test: a child JVM this tool starts (clean CPU and memory figures), a server in
 * this JVM (quick; its CPU and memory include the load generator), or one already running at a URL
 * (a {@link BenchServer}). Talks to it over HTTP only: {@code /bridge/stats} and {@code /bench/*}.
 */
abstract class ServerTarget implements AutoCloseable {
    private final HttpClient control = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** e.g. {@code http://127.0.0.1:8080/bridge} */
    abstract URI bridgeUri();

    abstract String describe();

    /** The server's statistics, no session list. */
    JsonObject stats() throws IOException, InterruptedException {
        return getJson(URI.create(bridgeUri() + "/stats?sessions=0"));
    }

    /** Heap after a GC and RSS of the server, or null if it has no /bench API. */
    JsonObject memory() throws IOException, InterruptedException {
        HttpResponse<String> r = control.send(HttpRequest.newBuilder(benchUri("memory")).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? JsonParser.parseString(r.body()).getAsJsonObject() : null;
    }

    long startBroadcast(double rate, double seconds, int size) throws IOException, InterruptedException {
        URI uri = URI.create(benchUri("broadcast") + "?rate=" + rate + "&seconds=" + seconds + "&size=" + size);
        HttpResponse<String> r = control.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException("the server has no /bench/broadcast (is it a BenchServer?): " + r.statusCode());
        return JsonParser.parseString(r.body()).getAsJsonObject().get("total").getAsLong();
    }

    JsonObject broadcastStatus() throws IOException, InterruptedException {
        return getJson(benchUri("broadcast"));
    }

    private URI benchUri(String what) {
        return bridgeUri().resolve("/bench/" + what);
    }

    private JsonObject getJson(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> r = control.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException(uri + " answered " + r.statusCode());
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    @Override
    public void close() throws Exception {
    }

    // ---------------------------------------------------------------- kinds

    static ServerTarget url(URI uri) {
        return new ServerTarget() {
            @Override URI bridgeUri() { return uri; }
            @Override String describe() { return "running server at " + uri; }
        };
    }

    static ServerTarget inProcess() throws Exception {
        BenchServer server = BenchServer.startInProcess();
        URI uri = server.bridgeServer().uri();
        return new ServerTarget() {
            @Override URI bridgeUri() { return uri; }
            @Override String describe() { return "in-process server (CPU and memory include the load generator)"; }
            @Override public void close() throws Exception { server.close(); }
        };
    }

    /** Starts {@link BenchServer} in a child JVM with the same class path. */
    static ServerTarget child(List<String> jvmOptions, Path log, List<String> serverOptions) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(BenchServer.class.getName());
        cmd.add("--port=0");
        cmd.add("--exit-on-stdin-eof");
        cmd.addAll(serverOptions);
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        int port = -1;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(BenchServer.READY)) {
                port = Integer.parseInt(line.substring(BenchServer.READY.length()).trim().split("\\s+")[0]);
                break;
            }
        }
        if (port < 0) {
            p.destroyForcibly();
            throw new IOException("the benchmark server did not start; see " + log);
        }
        URI uri = URI.create("http://127.0.0.1:" + port + "/bridge");
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // keep the pipe empty
                }
            } catch (IOException ignored) {
                // exited
            }
        }, "bench-server-stdout");
        drain.setDaemon(true);
        drain.start();
        return new ServerTarget() {
            @Override URI bridgeUri() { return uri; }
            @Override String describe() { return "child JVM pid " + p.pid() + " " + String.join(" ", jvmOptions) + " " + String.join(" ", serverOptions); }
            @Override public void close() throws Exception {
                p.getOutputStream().close(); // EOF: it stops by itself
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroy();
                    if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
                }
            }
        };
    }
}
