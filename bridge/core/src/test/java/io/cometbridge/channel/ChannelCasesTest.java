package io.cometbridge.channel;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.FrameCodec;
import io.cometbridge.protocol.Message;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Runs the shared table of delivery cases (bridge/spec/channel-cases.json) against the Java
 * {@link Channel}; the browser client's channel runs the same table in node.
 */
class ChannelCasesTest {
    static final Path CASES = Path.of("../spec/channel-cases.json");
    private static final long MS = 1_000_000;

    @TestFactory
    Stream<DynamicTest> everyCase() throws IOException {
        JsonObject table = JsonParser.parseString(Files.readString(CASES)).getAsJsonObject();
        JsonObject defaults = table.getAsJsonObject("policy");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonElement c : table.getAsJsonArray("cases")) {
            JsonObject kase = c.getAsJsonObject();
            tests.add(DynamicTest.dynamicTest(kase.get("name").getAsString(), () -> new Run(defaults, kase).run()));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> backoff() throws IOException {
        JsonObject table = JsonParser.parseString(Files.readString(CASES)).getAsJsonObject();
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonElement row : table.getAsJsonObject("backoff").getAsJsonArray("rows")) {
            int failures = row.getAsJsonArray().get(0).getAsInt();
            long delay = row.getAsJsonArray().get(1).getAsLong();
            tests.add(DynamicTest.dynamicTest(failures + " failures -> " + delay + " ms",
                    () -> assertThat(Backoff.delayMillis(failures)).isEqualTo(delay)));
        }
        return tests.stream();
    }

    /** One case: a channel, its clock, and what its events reported. */
    private static final class Run implements ChannelEvents<JsonElement> {
        private final JsonObject kase;
        private final Channel<JsonElement> channel;
        private final List<JsonElement> delivered = new ArrayList<>();
        private final List<JsonElement> acknowledged = new ArrayList<>();
        private long now;

        Run(JsonObject defaults, JsonObject kase) {
            this.kase = kase;
            JsonObject p = defaults.deepCopy();
            if (kase.has("policy")) kase.getAsJsonObject("policy").entrySet().forEach(e -> p.add(e.getKey(), e.getValue()));
            ChannelPolicy policy = new ChannelPolicy(Duration.ofMillis(p.get("ackDelayMs").getAsLong()), p.get("ackEvery").getAsInt(),
                    p.get("maxInboundBytes").getAsInt(), p.get("maxQueuedMessages").getAsInt(), p.get("maxQueuedBytes").getAsLong());
            this.channel = new Channel<>(policy, this);
        }

        @Override
        public void deliver(Message message) {
            delivered.add(JsonParser.parseString(message.json()));
        }

        @Override
        public void acknowledged(JsonElement token) {
            acknowledged.add(token);
        }

        void run() {
            int i = 0;
            for (JsonElement s : kase.getAsJsonArray("steps")) {
                JsonObject step = s.getAsJsonObject();
                String where = "step " + (i++) + " " + step;
                if (step.has("at")) now = step.get("at").getAsLong() * MS;
                step(step, where);
            }
            assertThat(delivered).as("deliveries the case did not check").isEmpty();
            assertThat(acknowledged).as("acknowledgements the case did not check").isEmpty();
        }

        private void step(JsonObject step, String where) {
            if (step.has("offer")) {
                JsonElement payload = step.get("offer");
                boolean accepted = !step.has("accepted") || step.get("accepted").getAsBoolean();
                assertThat(channel.offer(message(payload), payload)).as(where).isEqualTo(accepted);
            } else if (step.has("receive")) {
                Frame frame = FrameCodec.decode(step.get("receive").toString());
                expectError(step, where, () -> {
                    boolean handled = channel.receive(frame, now);
                    assertThat(handled).as(where).isEqualTo(!step.has("handled") || step.get("handled").getAsBoolean());
                });
            } else if (step.has("resume")) {
                expectError(step, where, () -> channel.resume(step.get("resume").getAsLong()));
            } else if (step.has("discardControls")) {
                channel.discardControls();
            } else if (step.has("rewind")) {
                channel.rewind();
            } else if (step.has("resendFrom")) {
                assertThat(channel.resendFrom()).as(where).isEqualTo(step.get("resendFrom").getAsLong());
            } else if (step.has("takeAck")) {
                assertThat(channel.takeAck()).as(where).isEqualTo(step.get("takeAck").getAsLong());
            } else if (step.has("tick")) {
                long due = channel.tick(now);
                JsonElement expected = step.getAsJsonObject("tick").get("due");
                assertThat(due == Long.MAX_VALUE ? null : due / MS).as(where)
                        .isEqualTo(expected.isJsonNull() ? null : expected.getAsLong());
            } else if (step.has("queue")) {
                channel.queue(FrameCodec.decode(step.get("queue").toString()));
            } else if (step.has("close")) {
                channel.close((Frame.Close) FrameCodec.decode(step.get("close").toString()));
            } else if (step.has("drain")) {
                JsonObject d = step.getAsJsonObject("drain");
                Framing framing = Framing.valueOf(d.get("framing").getAsString().toUpperCase());
                int maxBytes = d.has("maxBytes") ? d.get("maxBytes").getAsInt() : 65536;
                int maxFrames = d.has("maxFrames") ? d.get("maxFrames").getAsInt() : 1000;
                assertThat(json(channel.drain(framing, maxBytes, maxFrames))).as(where).isEqualTo(step.get("frames"));
            } else if (step.has("reply")) {
                assertThat(json(channel.reply())).as(where).isEqualTo(step.get("reply"));
            } else if (step.has("delivered")) {
                assertThat(delivered).as(where).containsExactlyElementsOf(step.getAsJsonArray("delivered"));
                delivered.clear();
            } else if (step.has("acknowledged")) {
                assertThat(acknowledged).as(where).containsExactlyElementsOf(step.getAsJsonArray("acknowledged"));
                acknowledged.clear();
            } else if (step.has("hasOutput")) {
                assertThat(channel.hasOutput()).as(where).isEqualTo(step.get("hasOutput").getAsBoolean());
            } else if (step.has("ackOwed")) {
                assertThat(channel.ackOwed()).as(where).isEqualTo(step.get("ackOwed").getAsBoolean());
            } else {
                throw new AssertionError("unknown step " + where);
            }
        }

        private static void expectError(JsonObject step, String where, Runnable action) {
            if (!step.has("error")) {
                action.run();
                return;
            }
            assertThatThrownBy(action::run).as(where).isInstanceOfSatisfying(BridgeException.class,
                    e -> assertThat(e.code().wireName()).isEqualTo(step.get("error").getAsString()));
        }

        private static Message message(JsonElement payload) {
            if (payload.isJsonPrimitive()) return Message.text(payload.getAsString());
            return Message.binary(Base64.getDecoder().decode(payload.getAsJsonObject().get("b64").getAsString()));
        }

        private static JsonArray json(List<Frame> frames) {
            return JsonParser.parseString(FrameCodec.encodeBatch(frames)).getAsJsonArray();
        }
    }
}
