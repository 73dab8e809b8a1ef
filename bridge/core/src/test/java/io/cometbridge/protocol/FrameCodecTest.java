package io.cometbridge.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameCodecTest {

    @Test
    void everyFrameRoundTrips() {
        List<Frame> frames = List.of(
                new Frame.Data(1, Message.text("hello \"world\" \\ \n \u2028 \u0000 é 😀")),
                new Frame.Data(7, Message.text(""), 3),
                new Frame.Data(9, Message.binary(new byte[]{0, 1, 2, (byte) 255})),
                new Frame.Attach(null, 0),
                new Frame.Attach("abc", 12),
                new Frame.Open("sid", "key", 4, 5, true, Frame.Settings.DEFAULTS),
                new Frame.Open("sid", null, 4, 7, false, new Frame.Settings(15000, 20000, 30000, 10, 8, 1000, 7000, 50)),
                new Frame.Attach("abc", "key", 12, "nonce1234"),
                new Frame.Attach(null, null, 0, null, "a \"token\" é"),
                new Frame.Ack(5),
                new Frame.Ping(123),
                new Frame.Pong(456),
                new Frame.Probe(),
                new Frame.Close(4001, "grace period expired"),
                new Frame.Error("unknown_session", "gone"));
        for (Frame f : frames) {
            assertThat(FrameCodec.decode(FrameCodec.encode(f))).as(FrameCodec.encode(f)).isEqualTo(f);
        }
        assertThat(FrameCodec.decodeBatch(FrameCodec.encodeBatch(frames))).isEqualTo(frames);
        assertThat(new String(FrameCodec.encodeBatchUtf8(frames), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(FrameCodec.encodeBatch(frames));
    }

    @Test
    void aBatchInUtf8IsTheUtf8OfItsJson() {
        Message shared = Message.text("é 😀 \"quoted\"");
        List<List<Frame>> batches = List.of(
                List.of(),
                List.of(new Frame.Ack(0)),
                List.of(new Frame.Data(Long.MAX_VALUE, shared, 9)),
                List.of(new Frame.Pong(1), new Frame.Data(10, shared), new Frame.Data(11, Message.binary(new byte[]{7})), new Frame.Ack(99)),
                List.of(new Frame.Data(1, shared), new Frame.Close(4001, "gone: é")));
        for (List<Frame> batch : batches) {
            String text = FrameCodec.encodeBatch(batch);
            assertThat(FrameCodec.encodeBatchUtf8(batch)).as(text).isEqualTo(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 9, 10, 99, 100, 4_294_967_296L, Long.MAX_VALUE})
    void aTextDataFrameInUtf8IsTheUtf8OfItsJson(long seq) {
        Message m = Message.text("hello \"world\" \\ \n \u2028 \u0000 é 😀");
        for (long ack : new long[]{-1, 0, 7, seq}) {
            Frame.Data d = new Frame.Data(seq, m, ack);
            ByteBuffer utf8 = FrameCodec.encodeDataUtf8(seq, m, ack);
            assertThat(java.nio.charset.StandardCharsets.UTF_8.decode(utf8).toString()).isEqualTo(FrameCodec.encode(d));
        }
    }

    @Test
    void aBroadcastMessageIsEncodedToUtf8Once() {
        Message m = Message.text("é");
        assertThat(m.jsonUtf8()).isSameAs(m.jsonUtf8());
        assertThat(m.withTopic("room").jsonUtf8()).isEqualTo(m.jsonUtf8());
    }

    @Test
    void anAttachNeverPrintsItsTokenNorItsSessionId() {
        Frame.Attach a = (Frame.Attach) FrameCodec.decode("{\"t\":\"attach\",\"sid\":\"secret-sid\",\"last\":0,\"auth\":\"secret-token\"}");
        assertThat(a.auth()).isEqualTo("secret-token");
        assertThat(a.toString()).doesNotContain("secret").contains("auth=");
    }

    @Test
    void anOpenFrameLeavesOutTheSettingsThatEqualTheDefaults() {
        String plain = FrameCodec.encode(new Frame.Open("S", "K", 0, 1, false, Frame.Settings.DEFAULTS));
        assertThat(plain).isEqualTo("{\"t\":\"open\",\"sid\":\"S\",\"key\":\"K\",\"ack\":0,\"next\":1,\"resumed\":false}");
        Frame.Settings d = Frame.Settings.DEFAULTS;
        String tuned = FrameCodec.encode(new Frame.Open("S", "K", 0, 1, false, new Frame.Settings(d.heartbeatMillis(), 5000,
                d.graceMillis(), d.ackMillis(), d.ackEvery(), d.maxMessageBytes(), d.maxRequestBytes(), 50)));
        assertThat(tuned).endsWith("\"resumed\":false,\"poll\":5000,\"maxFrames\":50}");
    }

    @Test
    void anOpenWithoutSettingsMeansTheVersion1Defaults() {
        Frame.Open open = (Frame.Open) FrameCodec.decode("{\"t\":\"open\",\"sid\":\"s\",\"ack\":0}");
        assertThat(open.settings()).isEqualTo(Frame.Settings.DEFAULTS);
        assertThat(open.resumed()).isFalse();
        assertThat(open.key()).isNull();
        assertThat(open.next()).isZero();
    }

    @Test
    void clientsToleratePeersFromTheFuture() {
        assertThatThrownBy(() -> FrameCodec.decode("{\"t\":\"hello\",\"x\":[1]}")).isInstanceOf(BridgeException.class);
        assertThat(FrameCodec.decodeTolerant("{\"t\":\"hello\",\"x\":[1]}")).isEqualTo(new Frame.Unknown("hello"));
        assertThat(FrameCodec.decodeBatchTolerant("[{\"t\":\"hello\"},[1,\"a\"]]"))
                .containsExactly(new Frame.Unknown("hello"), new Frame.Data(1, Message.text("a")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[9007199254740992,\"a\"]", "[1,\"a\",9007199254740992]", "{\"t\":\"ack\",\"a\":9007199254740992}",
            "{\"t\":\"ping\",\"ts\":-1}", "{\"t\":\"attach\",\"last\":1e3}"})
    void numbersAreIntegersThatJavaScriptKeepsExact(String json) {
        assertThatThrownBy(() -> FrameCodec.decode(json)).isInstanceOfSatisfying(BridgeException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED));
        assertThat(FrameCodec.decode("[9007199254740991,\"a\"]")).isEqualTo(new Frame.Data(9007199254740991L, Message.text("a")));
    }

    @Test
    void loneSurrogatesSurviveTheRoundTrip() {
        String odd = "a\uD800b\uDC00c";
        Frame.Data back = (Frame.Data) FrameCodec.decode(FrameCodec.encode(new Frame.Data(1, Message.text(odd))));
        assertThat(back.message().text()).isEqualTo(odd);
    }

    @Test
    void dataFramesAreCompact() {
        assertThat(FrameCodec.encode(new Frame.Data(12, Message.text("hi")))).isEqualTo("[12,\"hi\"]");
        assertThat(FrameCodec.encode(new Frame.Data(12, Message.text("hi"), 4))).isEqualTo("[12,\"hi\",4]");
    }

    @Test
    void binaryFrameRoundTrips() {
        ByteBuffer buf = FrameCodec.encodeBinary(42, Message.binary(new byte[]{9, 8, 7}));
        Frame.Data d = FrameCodec.decodeBinary(buf);
        assertThat(d.seq()).isEqualTo(42);
        assertThat(d.message().bytes()).containsExactly(9, 8, 7);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "{", "[", "[]", "null", "42", "\"text\"", "{}", "{\"t\":42}", "{\"t\":\"nope\"}",
            "[0,\"seq zero\"]", "[-1,\"neg\"]", "[1]", "[1,2]", "[1,\"a\",\"b\"]", "[1,\"a\",1,2]",
            "[1.5,\"a\"]", "[99999999999999999999,\"a\"]", "[1,{\"b64\":\"***\"}]", "[1,{}]",
            "{\"t\":\"ack\"}", "{\"t\":\"ack\",\"a\":-1}", "{\"t\":\"ack\",\"a\":\"1\"}",
            "{\"t\":\"attach\",\"last\":-3}", "{\"t\":\"attach\",\"sid\":5}", "[1,\"a\"] trailing",
            "{'t':'ack','a':1}", "[1,\"a\"],[2,\"b\"]", "{\"t\":\"open\",\"sid\":\"x\"}"
    })
    void malformedFramesAreDocumentedErrors(String input) {
        assertThatThrownBy(() -> FrameCodec.decode(input))
                .isInstanceOf(BridgeException.class)
                .extracting(e -> ((BridgeException) e).code()).isEqualTo(ErrorCode.MALFORMED);
    }

    @Test
    void deeplyNestedJsonIsMalformedNotAStackOverflow() {
        // gson stops at 255 levels; deeper input is malformed, whatever field it hides in.
        String deep = "[1,{\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + ",\"b64\":\"\"}]";
        assertThatThrownBy(() -> FrameCodec.decode(deep)).isInstanceOf(BridgeException.class);
        String shallow = "[1,{\"x\":" + "[".repeat(100) + "]".repeat(100) + ",\"b64\":\"\"}]";
        assertThat(((Frame.Data) FrameCodec.decode(shallow)).message().bytes()).isEmpty();
        assertThatThrownBy(() -> FrameCodec.decodeBatch("[".repeat(100_000)))
                .isInstanceOf(BridgeException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 8})
    void truncatedBinaryFramesAreMalformed(int length) {
        assertThatThrownBy(() -> FrameCodec.decodeBinary(ByteBuffer.wrap(new byte[length])))
                .isInstanceOf(BridgeException.class);
    }

    @Test
    void batchMustBeAnArray() {
        assertThatThrownBy(() -> FrameCodec.decodeBatch("{\"t\":\"ack\",\"a\":1}")).isInstanceOf(BridgeException.class);
        assertThat(FrameCodec.decodeBatch("[]")).isEmpty();
    }
}
