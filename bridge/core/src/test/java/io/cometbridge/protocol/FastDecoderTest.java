package io.cometbridge.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The decoding fast path accepts only what the strict decoder accepts, and decodes it the same. */
class FastDecoderTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "[1,\"hello\"]", "[42,\"\",7]", "[900719925474099,\"x\",0]", "[3,\"é ☃ 😀\"]", "{\"t\":\"ack\",\"a\":0}",
            "{\"t\":\"ack\",\"a\":123456789}", "{\"t\":\"attach\",\"last\":0}", "{\"t\":\"attach\",\"last\":17}"})
    void fastPathTakesTheCommonFramesAndDecodesThemLikeTheStrictDecoder(String json) {
        Frame fast = FastDecoder.frame(json);
        assertThat(fast).isNotNull().isEqualTo(FrameReader.frame(json, false));
        assertThat(FrameCodec.decode(json)).isEqualTo(fast);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "[0,\"x\"]", "[01,\"x\"]", "[1,\"x\",01]", "[-1,\"x\"]", "[1.0,\"x\"]", "[1e2,\"x\"]", "[1,\"a\\\"b\"]", "[1,\"a\\u0041\"]",
            "[1, \"x\"]", " [1,\"x\"]", "[1,\"x\"] ", "[1,\"x\",2,3]", "[1,\"x\"", "[1,\"x", "[1,{\"b64\":\"AA==\"}]",
            "[1234567890123456789012,\"x\"]", "[9007199254740993,\"x\",0]", "{\"t\":\"ack\",\"a\":-1}", "{\"t\":\"ack\",\"a\":1,\"x\":2}", "{\"a\":1,\"t\":\"ack\"}",
            "{\"t\":\"ping\",\"ts\":5}", "{\"t\":\"attach\",\"last\":00}", "{\"t\":\"attach\",\"last\":0,\"ws\":\"x\"}",
            "{\"t\":\"attach\",\"sid\":\"abc\",\"last\":0}", "{\"t\":\"attach\",\"last\":-1}", "{\"t\":\"attach\",\"last\":0} ",
            "[1,\"tab\tinside\"]", "[1,\"x\",]", "[]", "", "[", "null"})
    void anythingUnusualGoesToTheStrictDecoderWithTheSameOutcome(String json) {
        assertThat(FastDecoder.frame(json)).isNull();
        assertSameOutcome(() -> FrameCodec.decode(json), () -> FrameReader.frame(json, false));
    }

    @Test
    void batchesOfDataAndAcks() {
        for (String json : List.of("[]", "[[1,\"a\"]]", "[[1,\"a\"],[2,\"b\",5],{\"t\":\"ack\",\"a\":3}]", "[{\"t\":\"ack\",\"a\":0}]")) {
            List<Frame> fast = FastDecoder.batch(json);
            assertThat(fast).as(json).isNotNull().isEqualTo(FrameReader.batch(json, false));
        }
        for (String json : List.of("[[1,\"a\"],]", "[,]", "[[1,\"a\"] ]", "[[1,\"a\"]]x", "[{\"t\":\"pong\",\"ts\":1}]", "[[1,\"a\"]",
                "{\"t\":\"ack\",\"a\":1}", "[ ]")) {
            assertThat(FastDecoder.batch(json)).as(json).isNull();
            assertSameOutcome(() -> FrameCodec.decodeBatch(json), () -> FrameReader.batch(json, false));
        }
    }

    @Test
    void randomMutationsOfValidFramesDecodeTheSameBothWays() {
        Random random = new Random(7);
        String[] seeds = {"[12,\"hello world\",3]", "{\"t\":\"ack\",\"a\":99}", "{\"t\":\"attach\",\"last\":0}", "[[1,\"a\"],[2,\"b\"],{\"t\":\"ack\",\"a\":1}]"};
        String alphabet = "[]{},:\"\\0123456789atckhls-. e\t";
        for (int round = 0; round < 20_000; round++) {
            StringBuilder b = new StringBuilder(seeds[random.nextInt(seeds.length)]);
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits && b.length() > 0; e++) {
                int at = random.nextInt(b.length());
                switch (random.nextInt(3)) {
                    case 0 -> b.deleteCharAt(at);
                    case 1 -> b.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    default -> b.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            String json = b.toString();
            assertSameOutcome(() -> FrameCodec.decode(json), () -> FrameReader.frame(json, false));
            assertSameOutcome(() -> FrameCodec.decodeBatch(json), () -> FrameReader.batch(json, false));
        }
    }

    private static void assertSameOutcome(java.util.function.Supplier<Object> actual, java.util.function.Supplier<Object> reference) {
        Object expected;
        try {
            expected = reference.get();
        } catch (BridgeException e) {
            assertThatThrownBy(actual::get).isInstanceOf(BridgeException.class)
                    .satisfies(t -> assertThat(((BridgeException) t).code()).isEqualTo(e.code()));
            return;
        }
        assertThat(actual.get()).isEqualTo(expected);
    }
}
