package io.cometbridge.samples.bench.gateway;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process of the benchmark (the service, the gateway) in its own JVM with this class path, so
 * each one's CPU time is its own. Started, it has printed the line {@code ready} matches; stopped,
 * its standard input closes and it gets SIGTERM.
 */
final class ChildJvm implements AutoCloseable {
    private final Process process;
    final Matcher ready;

    ChildJvm(List<String> jvmOptions, String mainClass, List<String> args, Pattern ready, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        Files.createDirectories(log.getParent());
        process = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Matcher found = null;
        for (String line; found == null && (line = out.readLine()) != null; ) {
            Matcher m = ready.matcher(line);
            if (m.find()) found = m;
        }
        if (found == null) {
            process.destroyForcibly();
            throw new IOException(mainClass + " did not start; see " + log);
        }
        this.ready = found;
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // keep the pipe empty
                }
            } catch (IOException ignored) {
                // exited
            }
        }, "bench-child-stdout");
        drain.setDaemon(true);
        drain.start();
    }

    /** CPU time the process has used so far, in nanoseconds (Linux: from /proc). */
    long cpuNanos() {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws Exception {
        process.getOutputStream().close();
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
}
