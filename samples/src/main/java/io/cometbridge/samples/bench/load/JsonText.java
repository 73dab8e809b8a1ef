package io.cometbridge.samples.bench.load;

/** Just enough JSON for the hot paths: quote a string, read a string or a number at a position. */
final class JsonText {
    private JsonText() {
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2);
        appendQuoted(b, s);
        return b.toString();
    }

    static StringBuilder appendQuoted(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"');
    }

    /** The JSON string starting at {@code s[at] == '"'}; {@code end[0]} receives the index after its closing quote. */
    static String readString(String s, int at, int[] end) {
        if (s.charAt(at) != '"') throw new IllegalArgumentException("no string at " + at + ": " + s);
        int i = at + 1;
        int close = i;
        while (close < s.length() && s.charAt(close) != '"' && s.charAt(close) != '\\') close++;
        if (close < s.length() && s.charAt(close) == '"') { // no escapes: the common case
            end[0] = close + 1;
            return s.substring(i, close);
        }
        StringBuilder b = new StringBuilder();
        while (true) {
            char c = s.charAt(i++);
            if (c == '"') break;
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = s.charAt(i++);
            switch (e) {
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'u' -> {
                    b.append((char) Integer.parseInt(s, i, i + 4, 16));
                    i += 4;
                }
                default -> b.append(e);
            }
        }
        end[0] = i;
        return b.toString();
    }

    /** The integer starting at {@code at}; {@code end[0]} receives the index after it. */
    static long readLong(String s, int at, int[] end) {
        int i = at;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '-')) i++;
        end[0] = i;
        return Long.parseLong(s, at, i, 10);
    }
}
