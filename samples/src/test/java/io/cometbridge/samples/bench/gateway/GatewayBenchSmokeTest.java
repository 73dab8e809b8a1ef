package io.cometbridge.samples.bench.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateway benchmark runs end to end (tiny, in process: the figures mean nothing here). */
class GatewayBenchSmokeTest {

    @Test
    void everyTargetRunsAndTheTableComparesThem(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("gateway.md");
        int code = GatewayBench.run("--in-process", "--clients", "2", "--warmup", "0.3", "--duration", "0.7", "--repeat", "1",
                "--out", out.toString());
        assertThat(code).isZero();
        List<String> table = Files.readAllLines(out);
        assertThat(table).hasSize(5);
        assertThat(table.get(2)).startsWith("| direct |");
        assertThat(table.get(3)).startsWith("| gateway-websocket |").doesNotContain("| - |");
        assertThat(table.get(4)).startsWith("| gateway-polling |");
    }

    @Test
    void theTableTakesMediansAndTheDifferenceToDirect() {
        String table = GatewayBench.table(List.of(
                new GatewayBench.Phase("direct", 100, 1000, 5000, 20, 0),
                new GatewayBench.Phase("gateway-websocket", 90, 1500, 8000, 21, 30),
                new GatewayBench.Phase("gateway-websocket", 80, 1700, 9000, 22, 34),
                new GatewayBench.Phase("gateway-websocket", 70, 1600, 7000, 23, 32)));
        assertThat(table).contains("| direct | 100 | 1000 | 5000 | 20.0 | 0.0 | - |")
                .contains("| gateway-websocket | 80 | 1600 | 8000 | 22.0 | 32.0 | +600 / +3000 |");
    }
}
