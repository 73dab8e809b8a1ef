package io.cometbridge.samples;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The README stays true: its first lines, and an options table that matches the real command line. */
class ReadmeTest {

    private static List<String> readme() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("README.md"))) dir = dir.getParent();
        assertThat(dir).as("README.md in a parent directory").isNotNull();
        return Files.readAllLines(dir.resolve("README.md"), StandardCharsets.UTF_8);
    }

    @Test
    void startsWithTheTwoCommands() throws IOException {
        assertThat(readme().subList(0, 3)).containsExactly(
                "# Comet Bridge",
                "Run the demo server:  `bash scripts/run.sh`  (then open the URL it prints)",
                "Run every test:       `bash scripts/test.sh`");
    }

    @Test
    void optionsTableHasEveryOptionWithItsDefault() throws IOException {
        List<String> rows = readme().stream().filter(l -> l.startsWith("| `-")).collect(Collectors.toList());
        List<OptionSpec> options = Main.commandLine().getCommandSpec().options();
        for (OptionSpec o : options) {
            if (o.usageHelp()) continue;
            String name = o.longestName();
            boolean flag = o.arity().max() == 0;
            String rowStart = "| `" + name + (flag ? "`" : "=");
            List<String> matching = rows.stream().filter(r -> r.startsWith(rowStart)).collect(Collectors.toList());
            assertThat(matching).as("README row for " + name).hasSize(1);
            String defaultColumn = matching.get(0).split("\\|")[2].trim();
            if (flag) {
                assertThat(defaultColumn).as(name).isEqualTo("off");
            } else if (o.defaultValue() == null) {
                assertThat(defaultColumn).as(name).startsWith("empty");
            } else {
                assertThat(defaultColumn).as(name).isEqualTo("`" + o.defaultValue() + "`");
            }
        }
        assertThat(rows).as("one row per option, plus --help").hasSize(options.size());
    }
}
