package io.cometbridge.samples.bench.peer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A server under test running as a child process on 127.0.0.1. It prints
 * {@code BENCH-SERVER LISTENING <port> PID <pid>} when ready and stops when its standard input
 * closes; every child still alive when this JVM exits (Ctrl-C, failure) is destroyed by a shutdown hook.
 */
public final class ServerProcess implements AutoCloseable {
    public static final String READY = "BENCH-SERVER LISTENING";
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Process p : LIVE) p.descendants().forEach(ProcessHandle::destroyForcibly);
            for (Process p : LIVE) p.destroyForcibly();
        }, "bench-children-stop"));
    }

    /** Destroys {@code p} with the server children if this JVM exits first (Ctrl-C, failure). */
    public static void track(Process p) {
        LIVE.add(p);
    }

    public static void untrack(Process p) {
        LIVE.remove(p);
    }

    private final Process process;
    private final int port;
    private final long pid;
    private final Path log;

    private ServerProcess(Process process, int port, long pid, Path log) {
        this.process = process;
        this.port = port;
        this.pid = pid;
        this.log = log;
    }

    /** Starts {@code command} in {@code dir}, its stderr to {@code log}, and waits for the ready line. */
    public static ServerProcess start(List<String> command, Path dir, Path log) throws IOException, InterruptedException {
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(log.toFile());
        if (dir != null) pb.directory(dir.toFile());
        Process p = pb.start();
        LIVE.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith(READY)) return line;
                }
            } catch (IOException e) {
                // exited
            }
            return null;
        });
        String line;
        try {
            line = ready.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            line = null;
        }
        if (line == null) {
            destroy(p);
            throw new IOException("server did not start: " + String.join(" ", command) + " (see " + log + ")");
        }
        String[] f = line.substring(READY.length()).trim().split("\\s+");
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // keep the pipe from filling up
                }
            } catch (IOException ignored) {
                // exited
            }
        }, "bench-server-stdout");
        drain.setDaemon(true);
        drain.start();
        return new ServerProcess(p, Integer.parseInt(f[0]), Long.parseLong(f[2]), log);
    }

    public int port() {
        return port;
    }

    /** The server's own pid (the one it printed), for /proc readings. */
    public long pid() {
        return pid;
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            process.getOutputStream().close(); // EOF on stdin: it stops by itself
        } catch (IOException ignored) {
            // already gone
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) destroy(process);
        LIVE.remove(process);
    }

    private static void destroy(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        LIVE.remove(p);
    }
}
