package io.cometbridge.samples;

import io.cometbridge.api.CloseReason;
import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.testing.ClientLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real thing: the server as its own process, stopped with SIGTERM ({@link ProcessHandle#destroy()}
 * on Linux). Every client must hear 4003 "server shutdown" and the process must exit 0.
 */
class ShutdownSignalTest {
    private static final Pattern START_LINE = Pattern.compile(
            "Comet Bridge listening on (http://\\S+/) \\(demo\\) \u2014 bridge at (http://\\S+)");

    @TempDir
    Path tmp;
    private Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<BridgeClient> clients = new ArrayList<>();

    @AfterEach
    void cleanUp() throws InterruptedException {
        clients.forEach(BridgeClient::close);
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void sigtermClosesEverySessionWith4003AndExitsZero() throws Exception {
        process = startServer("--port", "0", "--drain", "2s");
        Matcher start = awaitStartLine();
        URI demo = URI.create(start.group(1));
        URI bridge = URI.create(start.group(2));
        assertThat(demo.getPort()).isPositive().isEqualTo(bridge.getPort());
        assertThat(bridge.getPath()).isEqualTo("/bridge");

        ClientLog wsLog = new ClientLog(), pollLog = new ClientLog();
        connect(bridge, TransportKind.WEBSOCKET, wsLog).send("{\"op\":\"join\",\"room\":\"chat\",\"name\":\"ws\"}");
        // In the room before the polling client joins: two sessions' messages have no order between them.
        await().atMost(Duration.ofSeconds(10)).until(() -> wsLog.texts().stream().anyMatch(t -> t.contains("ws joined")));
        connect(bridge, TransportKind.POLLING, pollLog).send("{\"op\":\"join\",\"room\":\"chat\",\"name\":\"poll\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> wsLog.texts().stream().anyMatch(t -> t.contains("poll joined")));

        long t0 = System.nanoTime();
        // SIGTERM. Not Process.destroy(): it also closes our end of the child's stdout, and the
        // last line would be lost. ProcessHandle.destroy() only sends the signal.
        assertThat(process.toHandle().destroy()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> wsLog.closes.size() == 1 && pollLog.closes.size() == 1);
        assertThat(wsLog.closes).containsExactly(CloseReason.SHUTDOWN);
        assertThat(pollLog.closes).containsExactly(CloseReason.SHUTDOWN);

        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("exited within 10 s of SIGTERM; stderr:\n" + stderr()).isTrue();
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(process.exitValue()).as("exit status; stderr:\n" + stderr()).isZero();
        await().atMost(Duration.ofSeconds(2)).until(() -> stdout.stream().anyMatch(l -> l.startsWith("Comet Bridge stopped")));
        assertThat(stdout).filteredOn(l -> l.startsWith("Comet Bridge listening")).hasSize(1);
        System.out.println("ShutdownSignalTest: SIGTERM to exit took " + millis + " ms; stdout: " + stdout);
    }

    // ---------------------------------------------------------------- helpers

    /**
     * {@code java -jar samples/target/comet-bridge.jar} when that jar exists and is newer than every
     * compiled class (so it holds this code); otherwise the same main class on the test classpath.
     */
    private Process startServer(String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xmx128m"));
        String classpath = System.getProperty("java.class.path");
        Path jar = Path.of("target", "comet-bridge.jar");
        if (Files.isRegularFile(jar) && Files.getLastModifiedTime(jar).toMillis() >= newestClassFile(classpath)) {
            command.addAll(List.of("-jar", jar.toString()));
        } else {
            command.addAll(List.of("-cp", classpath, Main.class.getName()));
        }
        command.addAll(List.of(args));
        System.out.println("ShutdownSignalTest: starting " + (command.contains("-jar") ? "the shaded jar" : "Main on the test classpath"));
        Process p = new ProcessBuilder(command)
                .redirectError(tmp.resolve("stderr.txt").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) stdout.add(line);
            } catch (IOException e) {
                // the process went away
            }
        }, "server-stdout");
        reader.setDaemon(true);
        reader.start();
        return p;
    }

    private Matcher awaitStartLine() throws IOException {
        try {
            await().atMost(Duration.ofSeconds(20))
                    .failFast("the server exited", () -> !process.isAlive())
                    .until(() -> stdout.stream().anyMatch(l -> START_LINE.matcher(l).matches()));
        } catch (RuntimeException e) {
            throw new AssertionError("no start line; stdout: " + stdout + "\nstderr:\n" + stderr(), e);
        }
        Matcher m = START_LINE.matcher(stdout.stream().filter(l -> START_LINE.matcher(l).matches()).findFirst().orElseThrow());
        assertThat(m.matches()).isTrue();
        return m;
    }

    private BridgeClient connect(URI bridge, TransportKind kind, ClientLog log) throws Exception {
        BridgeClient c = BridgeClient.builder(bridge).transports(kind).listener(log).build();
        clients.add(c);
        c.connect().get(10, TimeUnit.SECONDS);
        return c;
    }

    /** The newest .class file in the classpath's directories (target/classes of the reactor modules). */
    private static long newestClassFile(String classpath) {
        long newest = 0;
        for (String entry : classpath.split(File.pathSeparator)) {
            Path dir = Path.of(entry);
            if (!Files.isDirectory(dir)) continue;
            try (Stream<Path> files = Files.walk(dir)) {
                newest = Math.max(newest, files.filter(f -> f.toString().endsWith(".class"))
                        .mapToLong(f -> f.toFile().lastModified()).max().orElse(0));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return newest;
    }

    private String stderr() throws IOException {
        Path f = tmp.resolve("stderr.txt");
        return Files.isRegularFile(f) ? Files.readString(f) : "";
    }
}
