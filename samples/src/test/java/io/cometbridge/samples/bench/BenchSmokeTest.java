package io.cometbridge.samples.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark tool end to end with tiny counts: its outputs exist and are well-formed (no performance asserts). */
class BenchSmokeTest {

    @Test
    void tinyRunOfEveryWorkloadWritesTableJsonCsvAndHtml(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("report");
        int code = Bench.run("--server=in-process", "--clients=2", "--fanout-clients=3", "--rate=20",
                "--idle-sessions=4", "--warmup=0.5", "--duration=1", "--repeat=1", "--out=" + out);
        assertThat(code).isZero();

        JsonObject json = JsonParser.parseString(Files.readString(out.resolve("results.json"))).getAsJsonObject();
        assertThat(json.getAsJsonArray("runs")).hasSize(6); // 3 workloads x 2 transports
        for (String w : List.of("echo", "fanout", "idle")) {
            for (String t : List.of("websocket", "polling")) {
                assertThat(json.getAsJsonObject("medians").getAsJsonObject(w).getAsJsonObject(t).size()).as(w + " " + t).isPositive();
            }
        }
        JsonObject echoWs = json.getAsJsonObject("medians").getAsJsonObject("echo").getAsJsonObject("websocket");
        assertThat(echoWs.get("roundTripsPerSec").getAsDouble()).isPositive();
        assertThat(echoWs.get("wireUpPerMsg").getAsDouble()).isPositive();
        JsonObject fanPoll = json.getAsJsonObject("medians").getAsJsonObject("fanout").getAsJsonObject("polling");
        assertThat(fanPoll.get("lost").getAsDouble()).isZero();
        assertThat(fanPoll.get("httpRequestsPerMsg").getAsDouble()).isPositive();

        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertThat(csv.get(0)).isEqualTo("workload,transport,run,load_avg_before,load_avg_after,metric,value");
        assertThat(csv).hasSizeGreaterThan(30).allSatisfy(line -> assertThat(line.split(",", -1)).hasSize(7));

        String html = Files.readString(out.resolve("report.html"));
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg").contains("round trips/s").endsWith("</html>\n")
                .doesNotContain("http://cdn").doesNotContain("<script src");
        assertThat(Files.readString(out.resolve("table.txt"))).contains("websocket", "polling");
    }

    @Test
    void helpDescribesTheOptions() {
        var out = new java.io.ByteArrayOutputStream();
        var old = System.out;
        System.setOut(new java.io.PrintStream(out, true));
        try {
            assertThat(Bench.run("--help")).isZero();
        } finally {
            System.setOut(old);
        }
        assertThat(out.toString()).contains("--workloads", "--url", "--out", "--repeat");
    }
}
