package io.cometbridge.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * A small mutation fuzzer for the wire format: it starts from valid frames and batches of every
 * kind and mutates them the ways hostile or broken clients do: byte and character flips,
 * truncation, splicing two inputs, duplicated or deleted spans, deep nesting, huge and odd numbers,
 * random unicode, lone surrogates (raw and escaped), control characters and JSON-ish junk tokens.
 * Deterministic for a given {@link Random}, so a failing input can be replayed from its seed.
 */
public final class FrameFuzzer {

    /** Valid frames (one per WebSocket message or per attach body). */
    public static final List<String> FRAMES = List.of(
            "{\"t\":\"attach\",\"last\":0}",
            "{\"t\":\"attach\",\"sid\":\"AAAAAAAAAAAAAAAAAAAAAAAA\",\"last\":3}",
            "{\"t\":\"attach\",\"sid\":null,\"last\":0}",
            "{\"t\":\"ack\",\"a\":0}",
            "{\"t\":\"ack\",\"a\":12}",
            "{\"t\":\"ping\",\"ts\":123456789}",
            "{\"t\":\"pong\",\"ts\":987654321}",
            "{\"t\":\"probe\"}",
            "{\"t\":\"close\",\"code\":1000,\"reason\":\"bye\"}",
            "{\"t\":\"open\",\"sid\":\"AAAAAAAAAAAAAAAAAAAAAAAA\",\"ack\":0,\"resumed\":false,\"hb\":15000,\"poll\":20000,\"grace\":30000}",
            "{\"t\":\"error\",\"error\":\"malformed\",\"message\":\"x\"}",
            "[1,\"hello\"]",
            "[1,\"hello\",0]",
            "[2,\"\\u00e9t\\u00e9 \\ud83d\\ude00 \\\"quoted\\\" \\\\ \\n\"]",
            "[1,{\"b64\":\"AAECAwQ=\"}]",
            "[3,{\"b64\":\"\",\"extra\":[1,2,{\"x\":null}]},1]");

    /** Valid batches (polling bodies). */
    public static final List<String> BATCHES = List.of(
            "[{\"t\":\"ack\",\"a\":0}]",
            "[[1,\"a\"],[2,\"b\"],[3,\"c\",0]]",
            "[{\"t\":\"ping\",\"ts\":1},[1,{\"b64\":\"/w==\"}],{\"t\":\"ack\",\"a\":0}]",
            "[{\"t\":\"close\",\"code\":1000,\"reason\":\"\"}]",
            "[]");

    private static final String[] TOKENS = {
            "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "\\udfff", "\\u0000", "null", "true", "false",
            "0", "-0", "-1", "1e400", "-1e400", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
            "18446744073709551616", "1.5", "0x10", "NaN", "Infinity", "00", "1_000", "\"t\"", "\"a\"", "\"seq\"",
            "\"b64\"", "\"attach\"", "\"ack\"", "\"ping\"", "\"open\"", "\"close\"", "\"probe\"", "\"unknown\"",
            "/*", "//", "'", "\u0000", "\u001f", "\u2028", "\ufeff", "\ud800", "\udc00", "\uffff", "\ud83d\ude00",
            "é", "\u0301", "𝄞", " ", "\t", "\r\n"};

    private final Random random;

    public FrameFuzzer(Random random) {
        this.random = random;
    }

    /** A mutated frame or batch (one or more mutations of a random seed). */
    public String nextText() {
        String s = pick(random.nextInt(4) == 0 ? BATCHES : FRAMES);
        int mutations = 1 + random.nextInt(random.nextInt(8) == 0 ? 12 : 3);
        for (int i = 0; i < mutations; i++) s = mutate(s);
        return s;
    }

    /** A mutated frame of the given seed list. */
    public String nextText(List<String> seeds) {
        String s = pick(seeds);
        int mutations = 1 + random.nextInt(3);
        for (int i = 0; i < mutations; i++) s = mutate(s);
        return s;
    }

    /** A mutated WebSocket binary data frame (0x01, 8-byte seq, bytes). */
    public ByteBuffer nextBinary() {
        byte[] data = new byte[random.nextInt(4) == 0 ? random.nextInt(9) : 9 + random.nextInt(64)];
        random.nextBytes(data);
        if (data.length > 0 && random.nextInt(4) != 0) data[0] = 1;
        if (data.length >= 9 && random.nextBoolean()) {
            long seq = switch (random.nextInt(5)) {
                case 0 -> 0;
                case 1 -> -1;
                case 2 -> Long.MIN_VALUE;
                case 3 -> Long.MAX_VALUE;
                default -> 1 + random.nextInt(5);
            };
            ByteBuffer.wrap(data, 1, 8).putLong(seq);
        }
        return ByteBuffer.wrap(data);
    }

    /** Bytes that are not always UTF-8: for HTTP bodies and WebSocket text frames sent raw. */
    public byte[] nextBytes() {
        byte[] b = nextText().getBytes(StandardCharsets.UTF_8);
        if (random.nextInt(4) == 0 && b.length > 0) {
            int flips = 1 + random.nextInt(3);
            for (int i = 0; i < flips; i++) b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return b;
    }

    public String mutate(String s) {
        int n = s.length();
        switch (random.nextInt(13)) {
            case 0: { // flip a bit of one character
                if (n == 0) return s;
                int i = random.nextInt(n);
                return s.substring(0, i) + (char) (s.charAt(i) ^ (1 << random.nextInt(16))) + s.substring(i + 1);
            }
            case 1: // truncate
                return n == 0 ? s : s.substring(0, random.nextInt(n));
            case 2: { // splice with another seed
                String other = pick(random.nextBoolean() ? FRAMES : BATCHES);
                return s.substring(0, random.nextInt(n + 1)) + other.substring(random.nextInt(other.length() + 1));
            }
            case 3: { // insert a token
                int i = random.nextInt(n + 1);
                return s.substring(0, i) + TOKENS[random.nextInt(TOKENS.length)] + s.substring(i);
            }
            case 4: { // replace a number with an odd one
                return s.replaceFirst("\\d+", java.util.regex.Matcher.quoteReplacement(
                        TOKENS[17 + random.nextInt(12)]));
            }
            case 5: { // delete a span
                if (n == 0) return s;
                int i = random.nextInt(n), j = i + random.nextInt(Math.min(8, n - i) + 1);
                return s.substring(0, i) + s.substring(j);
            }
            case 6: { // duplicate a span
                if (n == 0) return s;
                int i = random.nextInt(n), j = i + random.nextInt(n - i + 1);
                return s.substring(0, j) + s.substring(i, j) + s.substring(j);
            }
            case 7: { // deep nesting around or inside
                int depth = random.nextInt(16) == 0 ? 10_000 + random.nextInt(50_000) : 1 + random.nextInt(300);
                String open = random.nextBoolean() ? "[" : "{\"x\":";
                String close = open.equals("[") ? "]" : "}";
                if (random.nextBoolean()) return open.repeat(depth) + s + close.repeat(depth);
                int i = random.nextInt(n + 1);
                return s.substring(0, i) + open.repeat(depth) + s.substring(i);
            }
            case 8: { // random unicode, surrogates included
                StringBuilder b = new StringBuilder();
                int len = 1 + random.nextInt(8);
                for (int k = 0; k < len; k++) b.append((char) random.nextInt(0x10000));
                int i = random.nextInt(n + 1);
                return s.substring(0, i) + b + s.substring(i);
            }
            case 9: // swap a value's type
                return s.replaceFirst(random.nextBoolean() ? "\\d+" : "\"[^\"]*\"",
                        java.util.regex.Matcher.quoteReplacement(pick(List.of("\"1\"", "null", "[]", "{}", "true", "1.0", "-5"))));
            case 10: // a huge string value
                return s.replaceFirst("\"[^\"]*\"", "\"" + "x".repeat(random.nextInt(random.nextInt(16) == 0 ? 100_000 : 1_000)) + "\"");
            case 11: // wrap or unwrap into a batch
                return s.startsWith("[") && random.nextBoolean() ? s.substring(1) : "[" + s + "]";
            default: // duplicate the whole input (trailing data, or two frames in a batch)
                return random.nextBoolean() ? s + s : s + "," + s;
        }
    }

    private String pick(List<String> list) {
        return list.get(random.nextInt(list.size()));
    }

    /** A printable form of an input for failure messages. */
    public static String show(String s) {
        StringBuilder b = new StringBuilder();
        String cut = s.length() > 400 ? s.substring(0, 400) : s;
        for (char c : cut.toCharArray()) {
            if (c < 0x20 || c > 0x7e) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b + (s.length() > 400 ? "…(" + s.length() + " chars)" : "");
    }
}
