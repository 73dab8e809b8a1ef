package io.cometbridge.samples;

import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where an option's value comes from when the command line does not give it: the environment
 * ({@code COMET_BRIDGE_POLL_TIMEOUT} for {@code --poll-timeout}), then the config file (a
 * properties file, {@code poll-timeout = 25s}, named by {@code --config} or
 * {@code COMET_BRIDGE_CONFIG}), then the built-in default. So the command line wins, then the
 * environment, then the file. Secrets (the keystore password, tokens) can thus stay off the
 * command line, where any local user can read them.
 */
public final class ConfigSources implements IDefaultValueProvider {
    public static final String ENV_PREFIX = "COMET_BRIDGE_";
    public static final String CONFIG_ENV = ENV_PREFIX + "CONFIG";

    private final Map<String, String> env;
    private final Path file;          // null: no config file
    private final Properties fileValues;
    private final String problem;     // why the file cannot be used, or null

    private ConfigSources(Map<String, String> env, Path file, Properties fileValues, String problem) {
        this.env = env;
        this.file = file;
        this.fileValues = fileValues;
        this.problem = problem;
    }

    /** No environment, no file: the built-in defaults only (tests). */
    public static ConfigSources none() {
        return new ConfigSources(Map.of(), null, new Properties(), null);
    }

    /** The environment given, and the config file that {@code args} or the environment names. */
    public static ConfigSources load(String[] args, Map<String, String> env) {
        String named = env.get(CONFIG_ENV);
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) named = args[i + 1];
            else if (args[i].startsWith("--config=")) named = args[i].substring("--config=".length());
        }
        if (named == null || named.isBlank()) return new ConfigSources(env, null, new Properties(), null);
        Path file = Path.of(named);
        Properties values = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            values.load(in);
            return new ConfigSources(env, file, values, null);
        } catch (IOException | IllegalArgumentException e) {
            return new ConfigSources(env, file, new Properties(), "--config: cannot read " + file + ": " + e.getMessage());
        }
    }

    /** The environment variable of an option: {@code --poll-timeout} → {@code COMET_BRIDGE_POLL_TIMEOUT}. */
    public static String envName(String option) {
        return ENV_PREFIX + key(option).toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The config file key of an option: {@code --poll-timeout} → {@code poll-timeout}. */
    public static String key(String option) {
        return option.startsWith("--") ? option.substring(2) : option;
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) return null;
        String fromEnv = env.get(envName(option.longestName()));
        if (fromEnv != null) return fromEnv;
        return fileValues.getProperty(key(option.longestName()));
    }

    /** Where an option not on the command line got its value: "environment COMET_BRIDGE_...", "config file", or "default". */
    public String origin(String option) {
        if (env.containsKey(envName(option))) return "environment " + envName(option);
        if (fileValues.containsKey(key(option))) return "config file";
        return "default";
    }

    /**
     * Why the configuration cannot be used, or null: an unreadable file, or keys in it that are
     * no option (a typo would otherwise be ignored silently).
     */
    public String problem(Set<String> optionNames) {
        if (problem != null) return problem;
        Set<String> unknown = new TreeSet<>();
        for (String k : fileValues.stringPropertyNames()) {
            if (!optionNames.contains("--" + k) || k.equals("config")) unknown.add(k);
        }
        if (unknown.isEmpty()) return null;
        return "--config: " + file + ": no option is called " + String.join(", ", unknown)
                + " (keys are the long option names without the leading --, e.g. poll-timeout = 25s)";
    }
}
