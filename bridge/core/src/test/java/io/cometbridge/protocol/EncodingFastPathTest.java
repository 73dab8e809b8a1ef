package io.cometbridge.protocol;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The one-allocation encoding shortcuts produce exactly what the general encoder produces. */
class EncodingFastPathTest {

    private static String quoteSlow(String s) {
        StringBuilder b = new StringBuilder();
        Json.quoteInto(b, s);
        return b.toString();
    }

    private static String encodeSlow(Frame f) {
        StringBuilder b = new StringBuilder();
        FrameCodec.encodeInto(b, f);
        return b.toString();
    }

    @Test
    void quoteMatchesTheGeneralEscaperForAnyString() {
        Random random = new Random(11);
        char[] interesting = {'a', 'Z', ' ', '"', '\\', '\n', '\t', '\u0001', '\u001f', '\u007f', 'é', '\u2028', '\u2029',
                '\ud83d', '\ude00', '☃', '/'};
        for (int round = 0; round < 50_000; round++) {
            int len = random.nextInt(12);
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < len; i++) {
                b.append(random.nextBoolean() ? interesting[random.nextInt(interesting.length)] : (char) random.nextInt(0x3000));
            }
            String s = b.toString();
            assertThat(Json.quote(s)).as("%s", s.chars().mapToObj(Integer::toHexString).toList()).isEqualTo(quoteSlow(s));
        }
        assertThat(Json.quote("plain text")).isEqualTo("\"plain text\"");
        assertThat(Json.quote("😀 pair")).isEqualTo("\"😀 pair\"");
    }

    @Test
    void dataFramesEncodeLikeTheGeneralEncoder() {
        for (Frame f : new Frame[]{new Frame.Data(1, Message.text("hi")), new Frame.Data(42, Message.text("a\"b"), 7),
                new Frame.Data(9, Message.binary(new byte[]{1, 2, 3}), 0), new Frame.Data(Long.MAX_VALUE, Message.text(""), -1)}) {
            assertThat(FrameCodec.encode(f)).isEqualTo(encodeSlow(f));
        }
    }
}
