package io.cometbridge.samples.soak;

import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.protocol.Message;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak test (not in CI; run it with {@code scripts/soak.sh}). It starts {@link SoakServer} in
 * its own JVM, holds {@code --sessions} sessions against it (half WebSocket, half long-polling)
 * for {@code --duration-seconds} with light traffic (each client sends a message every
 * {@code --message-every-seconds} on average, the server echoes it), and churns a little: every
 * sample period {@code --churn-percent} of the clients leave (half close politely and are
 * replaced, half are replaced by sessions that vanish without a word and must be reaped).
 *
 * <p>The server reports its heap after a full GC and its live session count every sample period.
 * At the end the driver prints the table and checks:
 * <ul>
 *   <li>flat heap: the average of the last minute (after warm-up) is within
 *       {@code --tolerance-percent} of the first minute's (or within 16 MiB, for small heaps);</li>
 *   <li>no leaked sessions: after every client left (closed, or vanished and past the grace
 *       period), the server's session count is back to 0.</li>
 * </ul>
 * Exit status 0 when both hold, 1 otherwise.
 */
public final class Soak {
    private static final Pattern SAMPLE = Pattern.compile(
            "SOAK-SERVER t=([\\d.]+) heapAfterGcMB=([\\d.]+) sessions=(\\d+) opened=(\\d+) messagesIn=(\\d+) threads=(\\d+) openFiles=(-?\\d+)");

    record Sample(double t, double heapMb, int sessions, int opened, long messagesIn, int threads, long openFiles) {
    }

    public static void main(String[] args) throws Exception {
        int sessions = intArg(args, "sessions", 10_000);
        int duration = intArg(args, "duration-seconds", 600);
        int warmup = intArg(args, "warmup-seconds", 60);
        int sampleSeconds = intArg(args, "sample-seconds", 10);
        int messageEvery = intArg(args, "message-every-seconds", 20);
        double churn = Double.parseDouble(arg(args, "churn-percent", "1"));
        double tolerance = Double.parseDouble(arg(args, "tolerance-percent", "15"));
        int grace = intArg(args, "grace-seconds", 10);
        int heartbeat = intArg(args, "heartbeat-seconds", 15);
        String serverHeap = arg(args, "server-heap", "1g");
        // Idle pooled polling connections close after a while instead of piling up (file limit 20,000).
        System.setProperty("jdk.httpclient.keepalive.timeout", "30");

        System.out.printf("SOAK %d sessions (half WebSocket, half polling) for %d s, warm-up %d s, a message per client every ~%d s,"
                + " churn %.1f%% per %d s, server heap %s%n", sessions, duration, warmup, messageEvery, churn, sampleSeconds, serverHeap);

        // ---- the server, in its own JVM
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process server = new ProcessBuilder(java, "-Xmx" + serverHeap, "-XX:+UseG1GC", "-cp", System.getProperty("java.class.path"),
                SoakServer.class.getName(), "--port=0", "--grace-seconds=" + grace, "--heartbeat-seconds=" + heartbeat,
                "--sample-seconds=" + sampleSeconds).redirectErrorStream(true).start();
        List<Sample> samples = new CopyOnWriteArrayList<>();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> readServer(server, port, samples), "soak-server-output");
        reader.setDaemon(true);
        reader.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::destroyForcibly));
        URI uri = URI.create("http://127.0.0.1:" + port.get(60, TimeUnit.SECONDS) + "/bridge");

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        AtomicLong sent = new AtomicLong(), echoed = new AtomicLong(), failed = new AtomicLong(), lost = new AtomicLong();
        BridgeClient.Listener listener = new BridgeClient.Listener() {
            @Override
            public void onMessage(BridgeClient client, Message message) {
                echoed.incrementAndGet();
            }

            @Override
            public void onSessionLost(BridgeClient client, String reason) {
                lost.incrementAndGet();
            }
        };
        List<BridgeClient> clients = new ArrayList<>();
        Semaphore connecting = new Semaphore(100);
        long rampStart = System.nanoTime();
        for (int i = 0; i < sessions; i++) clients.add(open(uri, http, listener, i, connecting, failed));
        connecting.acquire(100);
        connecting.release(100);
        double t0 = lastT(samples);
        System.out.printf("SOAK connected %d sessions in %.1f s (failed %d)%n", sessions, (System.nanoTime() - rampStart) / 1e9, failed.get());

        // ---- steady state with light traffic and churn
        Random random = new Random(42);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(duration);
        long nextChurn = System.nanoTime() + TimeUnit.SECONDS.toNanos(sampleSeconds);
        int opened = sessions;
        long vanished = 0;
        while (System.nanoTime() < end) {
            Thread.sleep(1000);
            for (int k = 0; k < Math.max(1, sessions / messageEvery); k++) {
                BridgeClient c = clients.get(random.nextInt(clients.size()));
                if (c.state() == BridgeClient.State.OPEN) {
                    sent.incrementAndGet();
                    c.send("soak " + k).whenComplete((v, e) -> { if (e != null) failed.incrementAndGet(); });
                }
            }
            if (System.nanoTime() >= nextChurn) {
                nextChurn += TimeUnit.SECONDS.toNanos(sampleSeconds);
                int leaving = (int) Math.round(sessions * churn / 100);
                for (int k = 0; k < leaving; k++) {
                    int i = random.nextInt(clients.size());
                    clients.get(i).close();
                    clients.set(i, open(uri, http, listener, opened++, connecting, failed));
                    if (k % 2 == 1) { // and one that vanishes without a word
                        vanish(uri, http, opened % 2 == 0);
                        vanished++;
                    }
                }
            }
        }

        // ---- everyone leaves
        double tEnd = lastT(samples);
        System.out.printf("SOAK traffic done: %d sent, %d echoed, %d failed sends, %d sessions lost, %d clients opened, %d vanished%n",
                sent.get(), echoed.get(), failed.get(), lost.get(), opened, vanished);
        for (BridgeClient c : clients) c.close();
        long leaveStart = System.nanoTime();
        long leaveDeadline = leaveStart + TimeUnit.SECONDS.toNanos(2L * heartbeat + grace + 30);
        int lastSessions = -1;
        while (System.nanoTime() < leaveDeadline) {
            Thread.sleep(sampleSeconds * 1000L);
            Sample s = samples.isEmpty() ? null : samples.get(samples.size() - 1);
            if (s != null && s.t() > tEnd && s.sessions() == 0) {
                lastSessions = 0;
                break;
            }
            if (s != null) lastSessions = s.sessions();
        }
        double leftAfter = (System.nanoTime() - leaveStart) / 1e9;

        // ---- report
        System.out.println();
        System.out.println("SOAK heap after GC over time (t from the end of the ramp-up)");
        System.out.println("|     t s | heap MB | sessions | opened | threads | open files |");
        System.out.println("|--------:|--------:|---------:|-------:|--------:|-----------:|");
        for (Sample s : samples) {
            System.out.printf("| %7.0f | %7.1f | %8d | %6d | %7d | %10d |%n", s.t() - t0, s.heapMb(), s.sessions(), s.opened(), s.threads(), s.openFiles());
        }
        double steady = tEnd - t0 - warmup;
        double window = Math.min(60, steady / 3);
        double first = average(samples, t0 + warmup, t0 + warmup + window);
        double last = average(samples, tEnd - window, tEnd + 0.1);
        double change = (last - first) / first * 100;
        boolean flat = Math.abs(change) <= tolerance || Math.abs(last - first) < 16;
        boolean noLeak = lastSessions == 0;
        System.out.printf("SOAK heap: first %.0f s after warm-up %.1f MB, last %.0f s %.1f MB, change %+.1f%% (tolerance %.0f%%): %s%n",
                window, first, window, last, change, tolerance, flat ? "FLAT" : "GROWING");
        System.out.printf("SOAK sessions after every client left: %d after %.0f s: %s%n",
                lastSessions, leftAfter, noLeak ? "NO LEAK" : "LEAKED");
        System.out.printf("SOAK result: %s%n", flat && noLeak ? "PASS" : "FAIL");
        printHistogram(server.pid());

        try (OutputStream in = server.getOutputStream()) {
            in.close(); // the server stops when its standard input closes
        }
        server.waitFor(20, TimeUnit.SECONDS);
        server.destroyForcibly();
        System.exit(flat && noLeak ? 0 : 1);
    }

    /** A client on WebSocket (even i) or long-polling (odd i), connecting in the background. */
    private static BridgeClient open(URI uri, HttpClient http, BridgeClient.Listener listener, int i, Semaphore connecting,
                                     AtomicLong failed) throws InterruptedException {
        TransportKind kind = i % 2 == 0 ? TransportKind.WEBSOCKET : TransportKind.POLLING;
        BridgeClient c = BridgeClient.builder(uri).httpClient(http).transports(kind).listener(listener).build();
        connecting.acquire();
        c.connect().whenComplete((v, e) -> {
            connecting.release();
            if (e != null) failed.incrementAndGet();
        });
        return c;
    }

    /** A session that says one thing and disappears without closing: the server must reap it. */
    private static void vanish(URI uri, HttpClient http, boolean webSocket) {
        try {
            if (webSocket) {
                URI ws = URI.create(uri.toString().replaceFirst("^http", "ws") + "/ws");
                WebSocket socket = http.newWebSocketBuilder().buildAsync(ws, new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS);
                socket.sendText("{\"t\":\"attach\",\"last\":0}", true).get(10, TimeUnit.SECONDS);
                socket.sendText("[1,\"gone\"]", true).get(10, TimeUnit.SECONDS);
                Thread.sleep(50);
                socket.abort(); // no close frame, TCP gone
            } else {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(uri + "/poll/attach"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"t\":\"attach\",\"last\":0}")).build(), HttpResponse.BodyHandlers.ofString());
                Matcher m = Pattern.compile("\"sid\":\"([^\"]+)\",\"key\":\"([^\"]+)\"").matcher(r.body());
                if (!m.find()) return;
                http.send(HttpRequest.newBuilder(URI.create(uri + "/poll/send"))
                        .header("Content-Type", "application/json").header("X-Bridge-Session", m.group(1)).header("X-Bridge-Key", m.group(2))
                        .POST(HttpRequest.BodyPublishers.ofString("[[1,\"gone\"]]")).build(), HttpResponse.BodyHandlers.ofString());
                // and never polls again
            }
        } catch (Exception e) {
            System.out.println("SOAK vanish failed: " + e);
        }
    }

    /** What the server's heap holds now (all clients gone): the top classes, via jcmd. */
    private static void printHistogram(long pid) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), "GC.class_histogram").redirectErrorStream(true).start();
            List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            p.waitFor(30, TimeUnit.SECONDS);
            System.out.println("SOAK server heap histogram with no sessions left (top 15):");
            lines.stream().limit(18).forEach(l -> System.out.println("  " + l));
            lines.stream().filter(l -> l.contains("io.cometbridge")).limit(10).forEach(l -> System.out.println("  " + l));
        } catch (Exception e) {
            System.out.println("SOAK no histogram: " + e);
        }
    }

    private static void readServer(Process server, CompletableFuture<Integer> port, List<Sample> samples) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                System.out.println(line);
                if (line.startsWith("SOAK-SERVER listening port=")) {
                    port.complete(Integer.parseInt(line.replaceAll(".*port=(\\d+).*", "$1")));
                }
                Matcher m = SAMPLE.matcher(line);
                if (m.find()) {
                    samples.add(new Sample(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)), Integer.parseInt(m.group(3)),
                            Integer.parseInt(m.group(4)), Long.parseLong(m.group(5)), Integer.parseInt(m.group(6)), Long.parseLong(m.group(7))));
                }
            }
        } catch (Exception e) {
            port.completeExceptionally(e);
        }
        port.completeExceptionally(new IllegalStateException("the soak server ended"));
    }

    private static double lastT(List<Sample> samples) {
        return samples.isEmpty() ? 0 : samples.get(samples.size() - 1).t();
    }

    private static double average(List<Sample> samples, double from, double to) {
        return samples.stream().filter(s -> s.t() >= from && s.t() < to).mapToDouble(Sample::heapMb).average().orElse(Double.NaN);
    }

    static String arg(String[] args, String name, String fallback) {
        for (String a : args) if (a.startsWith("--" + name + "=")) return a.substring(name.length() + 3);
        return fallback;
    }

    static int intArg(String[] args, String name, int fallback) {
        return Integer.parseInt(arg(args, name, String.valueOf(fallback)));
    }
}
