package io.cometbridge.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * The decoding fast path for the frames that make up nearly all traffic, in their compact form:
 * data frames with a plain text payload ({@code [seq,"text"]}, {@code [seq,"text",ack]}), ack
 * frames ({@code {"t":"ack","a":N}}), alone or in a batch, and a new session's attach
 * ({@code {"t":"attach","last":0}}, once per connect). Anything else — whitespace, escapes,
 * control characters, binary payloads, other frame types, leading zeros, numbers too long — returns
 * null and the caller parses with the full strict decoder, so what is accepted and how it decodes
 * stay exactly the same; this only skips the general parser's allocations.
 */
final class FastDecoder {
    private static final String ACK_PREFIX = "{\"t\":\"ack\",\"a\":";
    private static final String NEW_SESSION_PREFIX = "{\"t\":\"attach\",\"last\":"; // a new session's attach: no sid, key, ws or auth
    private static final int MAX_DIGITS = 15; // always below 2^53 (longer numbers: the strict reader checks the range)

    private final String s;
    private int i;

    private FastDecoder(String s) {
        this.s = s;
    }

    /** One frame, or null: use the strict decoder. */
    static Frame frame(String json) {
        FastDecoder d = new FastDecoder(json);
        Frame f = d.next();
        return f != null && d.i == json.length() ? f : null;
    }

    /** A batch, or null: use the strict decoder. */
    static List<Frame> batch(String json) {
        int n = json.length();
        if (n < 2 || json.charAt(0) != '[') return null;
        FastDecoder d = new FastDecoder(json);
        d.i = 1;
        List<Frame> frames = new ArrayList<>(4);
        if (json.charAt(1) == ']') return n == 2 ? frames : null;
        while (true) {
            Frame f = d.next();
            if (f == null || d.i >= n) return null;
            frames.add(f);
            char c = json.charAt(d.i++);
            if (c == ']') return d.i == n ? frames : null;
            if (c != ',') return null;
        }
    }

    private Frame next() {
        if (i >= s.length()) return null;
        char c = s.charAt(i);
        if (c == '[') return data();
        if (c != '{') return null;
        if (s.startsWith(ACK_PREFIX, i)) {
            long a = numberClosing(ACK_PREFIX);
            return a < 0 ? null : new Frame.Ack(a);
        }
        if (s.startsWith(NEW_SESSION_PREFIX, i)) {
            long last = numberClosing(NEW_SESSION_PREFIX);
            return last < 0 ? null : new Frame.Attach(null, last);
        }
        return null;
    }

    /** The number that ends an object starting with {@code prefix} (which starts at i), then its '}'; -1 if not so. */
    private long numberClosing(String prefix) {
        i += prefix.length();
        long v = number(true);
        if (v < 0 || i >= s.length() || s.charAt(i) != '}') return -1;
        i++;
        return v;
    }

    /** {@code [seq,"text"]} or {@code [seq,"text",ack]} with a plain string. */
    private Frame data() {
        i++; // [
        long seq = number(false);
        if (seq < 1 || !expect(',') || !expect('"')) return null;
        int start = i, n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '"') break;
            if (c == '\\' || c < 0x20) return null; // escapes and control characters: the strict decoder's job
            i++;
        }
        if (i >= n) return null;
        String text = s.substring(start, i);
        i++; // closing quote
        long ack = -1;
        if (i < n && s.charAt(i) == ',') {
            i++;
            ack = number(true);
            if (ack < 0) return null;
        }
        if (!expect(']')) return null;
        return new Frame.Data(seq, Message.text(text), ack);
    }

    /** A non-negative integer without sign, leading zeros or exponent; -1 if there is none. */
    private long number(boolean zeroAllowed) {
        int start = i, n = s.length();
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') i++;
        int digits = i - start;
        if (digits == 0 || digits > MAX_DIGITS) return -1;
        if (s.charAt(start) == '0' && (digits > 1 || !zeroAllowed)) return -1;
        if (i < n) {
            char c = s.charAt(i);
            if (c == '.' || c == 'e' || c == 'E') return -1;
        }
        long v = 0;
        for (int k = start; k < i; k++) v = v * 10 + (s.charAt(k) - '0');
        return v;
    }

    private boolean expect(char c) {
        if (i < s.length() && s.charAt(i) == c) {
            i++;
            return true;
        }
        return false;
    }
}
