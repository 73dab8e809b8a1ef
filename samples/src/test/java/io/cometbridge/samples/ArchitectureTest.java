package io.cometbridge.samples;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layout's rules, checked on the main sources of every module: packages depend on each other
 * without cycles, the core and the Java client use no Jetty, and no source file grows past what
 * one reader takes in one pass.
 */
class ArchitectureTest {
    private static final Path ROOT = Path.of("..");
    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern REFERENCE = Pattern.compile("\\b(io\\.cometbridge(?:\\.[a-z]\\w*)+)\\.[A-Z]");
    static final int MAX_LINES = 450;

    private static List<Path> mainSources() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.toString().contains("/src/main/java/"))
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/node_modules/"))
                    .toList();
        }
    }

    @Test
    void packagesHaveNoCycles() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        for (Path file : mainSources()) {
            String src = Files.readString(file);
            Matcher pkg = PACKAGE.matcher(src);
            if (!pkg.find()) continue;
            String from = pkg.group(1);
            Set<String> targets = uses.computeIfAbsent(from, k -> new TreeSet<>());
            Matcher ref = REFERENCE.matcher(src);
            while (ref.find()) if (!ref.group(1).equals(from)) targets.add(ref.group(1));
        }
        List<String> cycles = new ArrayList<>();
        for (String start : uses.keySet()) findCycles(start, new ArrayList<>(List.of(start)), uses, cycles);
        assertThat(cycles).as("package cycles (package graph: %s)", uses).isEmpty();
    }

    private static void findCycles(String at, List<String> path, Map<String, Set<String>> uses, List<String> cycles) {
        for (String next : uses.getOrDefault(at, Set.of())) {
            if (next.equals(path.get(0))) {
                cycles.add(String.join(" -> ", path) + " -> " + next);
            } else if (!path.contains(next) && next.compareTo(path.get(0)) > 0) { // each cycle once, from its smallest package
                path.add(next);
                findCycles(next, path, uses, cycles);
                path.remove(path.size() - 1);
            }
        }
    }

    @Test
    void theCoreAndTheJavaClientUseNoJetty() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path file : mainSources()) {
            String p = file.toString();
            if ((p.contains("/bridge/core/") || p.contains("/bridge/client/")) && Files.readString(file).contains("org.eclipse.jetty")) {
                offenders.add(p);
            }
        }
        assertThat(offenders).isEmpty();
    }

    @Test
    void noSourceFileIsTooLongToReadInOnePass() throws IOException {
        List<String> tooLong = new ArrayList<>();
        for (Path file : mainSources()) {
            long lines;
            try (Stream<String> s = Files.lines(file)) {
                lines = s.count();
            }
            if (lines > MAX_LINES) tooLong.add(file + " (" + lines + " lines)");
        }
        assertThat(tooLong).as("main source files over %d lines", MAX_LINES).isEmpty();
    }
}
