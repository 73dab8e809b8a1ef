package io.cometbridge.samples;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The configuration the server runs with, printed at start (stderr): every option, its value and
 * where the value came from. Secrets (passwords, tokens) show as {@code ****}.
 */
final class EffectiveConfig {
    static final String MASK = "****";
    private final CommandSpec spec;
    private final ConfigSources sources;

    EffectiveConfig(CommandSpec spec, ConfigSources sources) {
        this.spec = spec;
        this.sources = sources;
    }

    /** The long names of the options a config file or the environment may set. */
    static Set<String> optionNames(CommandSpec spec) {
        Set<String> names = new TreeSet<>();
        for (OptionSpec o : spec.options()) {
            if (!o.usageHelp() && !o.versionHelp()) names.add(o.longestName());
        }
        return names;
    }

    static boolean isSecret(String option) {
        String n = option.toLowerCase(Locale.ROOT);
        return n.contains("password") || n.contains("token") && !n.endsWith("-file");
    }

    /** One line per option: {@code   --poll-timeout=20s  (default)}. */
    String describe() {
        StringBuilder out = new StringBuilder("Comet Bridge configuration (command line > environment > config file > default):\n");
        ParseResult parsed = spec.commandLine().getParseResult();
        for (OptionSpec o : spec.options()) {
            if (o.usageHelp() || o.versionHelp()) continue;
            String name = o.longestName();
            String origin = parsed != null && parsed.hasMatchedOption(name) ? "command line" : sources.origin(name);
            out.append("  ").append(name).append('=').append(show(name, o.getValue())).append("  (").append(origin).append(")\n");
        }
        return out.toString();
    }

    /** Warnings for secrets given on the command line, which ps shows to every local user. */
    List<String> secretsOnTheCommandLine() {
        List<String> warnings = new ArrayList<>();
        ParseResult parsed = spec.commandLine().getParseResult();
        if (parsed == null) return warnings;
        for (OptionSpec o : spec.options()) {
            String name = o.longestName();
            if (isSecret(name) && parsed.hasMatchedOption(name)) {
                warnings.add("warning: " + name + " on the command line is visible to every local user (ps);"
                        + " use " + ConfigSources.envName(name) + " or the config file instead");
            }
        }
        return warnings;
    }

    private static String show(String name, Object value) {
        if (value == null) return "";
        if (isSecret(name)) return MASK;
        if (value instanceof Collection<?> c) return String.join(",", c.stream().map(String::valueOf).toList());
        if (value instanceof java.time.Duration d) return DurationConverter.format(d);
        return withoutCredentials(String.valueOf(value));
    }

    /** A URL's user-info may hold a password (redis://:secret@host): it shows as {@code ****}. */
    static String withoutCredentials(String value) {
        return value.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@", "$1" + MASK + "@");
    }
}
