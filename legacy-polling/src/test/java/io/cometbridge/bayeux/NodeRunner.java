package io.cometbridge.bayeux;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs a script of {@code src/test/js} under node, with the official CometD client installed from
 * the committed package-lock.json ({@code npm ci}, once, when node_modules is missing or older than
 * the lock). Node and npm missing is a failure, not a skip (scripts/install-test-deps.sh installs them).
 */
final class NodeRunner implements AutoCloseable {
    static final Path DIR = Path.of("src/test/js").toAbsolutePath();

    final List<String> lines = new CopyOnWriteArrayList<>();
    private final Process process;
    private final Thread reader;

    NodeRunner(String script, String... args) throws Exception {
        installPackages();
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        process = start(command);
        reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                    System.out.println("[node " + script + "] " + line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "node-output");
        reader.setDaemon(true);
        reader.start();
    }

    static synchronized void installPackages() throws Exception {
        Path modules = DIR.resolve("node_modules/cometd/package.json");
        Path lock = DIR.resolve("package-lock.json");
        if (Files.exists(modules) && Files.getLastModifiedTime(modules).compareTo(Files.getLastModifiedTime(lock)) >= 0) return;
        Process npm = start(List.of("npm", "ci", "--no-audit", "--no-fund"));
        String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) fail("npm ci failed in " + DIR + ":\n" + out);
    }

    private static Process start(List<String> command) throws IOException {
        try {
            return new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            fail(command.get(0) + " is not installed: the official CometD JavaScript client runs under it"
                    + " (scripts/install-test-deps.sh installs nodejs and npm)");
            throw e;
        }
    }

    /** The first line starting with {@code prefix}, waiting up to {@code seconds}; fails if none comes. */
    String awaitLine(String prefix, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            for (String l : lines) if (l.startsWith(prefix)) return l.substring(prefix.length()).trim();
            if (!process.isAlive() && !reader.isAlive()) break;
            Thread.sleep(50);
        }
        for (String l : lines) if (l.startsWith(prefix)) return l.substring(prefix.length()).trim();
        fail("no " + prefix + " line from node in " + seconds + " s; output:\n" + String.join("\n", lines));
        return null;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
}
