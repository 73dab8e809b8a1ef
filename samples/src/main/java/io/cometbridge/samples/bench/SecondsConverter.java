package io.cometbridge.samples.bench;

import picocli.CommandLine;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A benchmark time option in seconds: a plain number ({@code 5}, {@code 0.5}) or a number with a
 * unit, as the server's options take them ({@code 500ms}, {@code 5s}, {@code 1m}).
 */
final class SecondsConverter implements CommandLine.ITypeConverter<Double> {
    private static final Pattern VALUE = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(ms|s|m)?");

    @Override
    public Double convert(String text) {
        Matcher m = VALUE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a time: use seconds (5, 0.5) or 500ms, 5s, 1m");
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> n / 1000;
            case "m" -> n * 60;
            default -> n;
        };
    }
}
