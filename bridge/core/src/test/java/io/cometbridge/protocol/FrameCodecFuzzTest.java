package io.cometbridge.protocol;

import io.cometbridge.testing.FrameFuzzer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes every decoder of client input in the codec ({@link FrameCodec#decode},
 * {@link FrameCodec#decodeBatch}, {@link FrameCodec#decodeBinary}) with mutated valid frames.
 * Properties: nothing escapes but a {@link BridgeException} with a documented {@link ErrorCode}
 * (the codec only ever says {@code malformed}); and whatever decodes, re-encodes to a frame that
 * decodes to the same thing.
 *
 * <p>In the suite it runs for {@code -Dfuzz.seconds} (default 3) per decoder; {@code scripts/fuzz.sh}
 * sets {@code -Dfuzz.iterations} for long runs. {@code -Dfuzz.seed} replays a run.
 */
class FrameCodecFuzzTest {
    static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
    static final long ITERATIONS = Long.getLong("fuzz.iterations", 0);
    static final double SECONDS = Double.parseDouble(System.getProperty("fuzz.seconds", "3"));
    /** What the codec may say about bad input (PROTOCOL.md section 5). */
    static final Set<ErrorCode> CODEC_ERRORS = EnumSet.of(ErrorCode.MALFORMED);

    interface Target {
        /** Decodes one input from the fuzzer; returns true if it was accepted. */
        boolean run(FrameFuzzer fuzzer, Random random);
    }

    @Test
    void decodeNeverThrowsAnythingButDocumentedErrors() {
        fuzz("FrameCodec.decode", (fuzzer, random) -> {
            String input = random.nextInt(8) == 0
                    ? new String(fuzzer.nextBytes(), StandardCharsets.UTF_8)
                    : fuzzer.nextText();
            return check(input, () -> {
                Frame f = FrameCodec.decode(input);
                assertThat(FrameCodec.decode(FrameCodec.encode(f))).as("re-encoded").isEqualTo(f);
            });
        });
    }

    @Test
    void decodeBatchNeverThrowsAnythingButDocumentedErrors() {
        fuzz("FrameCodec.decodeBatch", (fuzzer, random) -> {
            String input = fuzzer.nextText(random.nextBoolean() ? FrameFuzzer.BATCHES : FrameFuzzer.FRAMES);
            return check(input, () -> {
                List<Frame> frames = FrameCodec.decodeBatch(input);
                assertThat(FrameCodec.decodeBatch(FrameCodec.encodeBatch(frames))).as("re-encoded").isEqualTo(frames);
                assertThat(FrameCodec.encodeBatchUtf8(frames)).as("in UTF-8")
                        .isEqualTo(FrameCodec.encodeBatch(frames).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            });
        });
    }

    @Test
    void decodeBinaryNeverThrowsAnythingButDocumentedErrors() {
        fuzz("FrameCodec.decodeBinary", (fuzzer, random) -> {
            ByteBuffer input = fuzzer.nextBinary();
            String shown = java.util.Arrays.toString(java.util.Arrays.copyOf(input.array(), Math.min(16, input.remaining())));
            return check(shown, () -> {
                Frame.Data d = FrameCodec.decodeBinary(input.duplicate());
                assertThat(d.seq()).isPositive();
                assertThat(FrameCodec.decodeBinary(FrameCodec.encodeBinary(d.seq(), d.message()))).isEqualTo(d);
            });
        });
    }

    /** Runs the decoder; a BridgeException with a documented code is fine, anything else fails with the input. */
    private static boolean check(String input, Runnable decode) {
        try {
            decode.run();
            return true;
        } catch (BridgeException e) {
            if (!CODEC_ERRORS.contains(e.code())) {
                throw new AssertionError("undocumented error " + e.code() + " for input " + FrameFuzzer.show(input), e);
            }
            assertThat(e.getMessage()).isNotBlank();
            return false;
        } catch (Throwable t) {
            throw new AssertionError("escaped: " + t + " for input " + FrameFuzzer.show(input) + " (seed " + SEED + ")", t);
        }
    }

    /** Runs a target for the configured iterations or time; prints executions, rate and outcomes. */
    static void fuzz(String name, Target target) {
        Random random = new Random(SEED);
        FrameFuzzer fuzzer = new FrameFuzzer(random);
        long start = System.nanoTime();
        long deadline = start + (long) (SECONDS * 1e9);
        long executions = 0, accepted = 0;
        while (ITERATIONS > 0 ? executions < ITERATIONS : System.nanoTime() < deadline) {
            if (target.run(fuzzer, random)) accepted++;
            executions++;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Long> outcomes = new TreeMap<>();
        outcomes.put("accepted", accepted);
        outcomes.put("malformed", executions - accepted);
        System.out.printf("FUZZ %s: %d executions in %.1f s (%.0f/s), %s, seed %d%n",
                name, executions, seconds, executions / seconds, outcomes, SEED);
        assertThat(accepted).as("some mutated inputs stay valid").isPositive();
        assertThat(executions - accepted).as("most mutated inputs are rejected").isPositive();
    }
}
