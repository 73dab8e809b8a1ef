package io.cometbridge.samples.browser;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the browser client's pure-logic tests (src/test/js, fake WebSocket and fetch) under node's
 * own test runner, when node is installed: seconds, no browser.
 */
class BrowserClientLogicTest {

    @Test
    void clientLogicUnderNode() throws Exception {
        Path tests = Path.of("src/test/js/client.test.mjs");
        assertTrue(Files.exists(tests), "run from the samples module");
        Path log = Files.createTempFile("cb-node-test-", ".log");
        Process node;
        try {
            node = new ProcessBuilder("node", "--test", "--test-reporter=spec", tests.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            assertTrue(false, "node is not installed: the browser client's logic tests need it (apt-get install nodejs)");
            return;
        }
        try {
            boolean done = node.waitFor(60, TimeUnit.SECONDS);
            if (!done) node.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            String output = Files.readString(log, StandardCharsets.UTF_8);
            System.out.println("[node --test] " + output.replace("\n", "\n[node --test] "));
            assertThat(done).as("node --test finished in time").isTrue();
            assertThat(node.exitValue()).as(output).isZero();
            assertThat(output).contains("fail 0");
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
