package io.cometbridge.channel;

import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.Message;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two things a server whose sessions live in a shared store asks of the channel
 * (docs/SCALE_OUT.md): acknowledge only what the store holds, and continue a session another
 * process started. Neither changes anything for a channel that does not use them.
 */
class SharedStoreChannelTest {
    private final List<Message> delivered = new ArrayList<>();
    private final Channel<String> channel = new Channel<>(new ChannelPolicy(Duration.ofMillis(10), 4, 1 << 20, 100, 1 << 20),
            new ChannelEvents<>() {
                @Override
                public void deliver(Message message) {
                    delivered.add(message);
                }

                @Override
                public void acknowledged(String token) {
                }
            });

    @Test
    void nothingAboveTheCeilingIsAcknowledgedUntilItIsRaised() {
        channel.limitAcks(0, 0);
        channel.receive(new Frame.Data(1, Message.text("a"), -1), 0);
        channel.receive(new Frame.Data(2, Message.text("b"), -1), 0);

        assertThat(delivered).hasSize(2); // delivered at once: only the acknowledgement waits
        assertThat(channel.ackOwed()).isFalse();
        assertThat(channel.reply()).containsExactly(new Frame.Ack(0));

        channel.limitAcks(1, 5);

        assertThat(channel.ackOwed()).isTrue();
        assertThat(channel.takeAck()).isEqualTo(1);
        channel.limitAcks(2, 6);
        assertThat(channel.drain(Framing.BATCH, 1000, 10)).containsExactly(new Frame.Ack(2));
    }

    @Test
    void aRestoredChannelNumbersOnAndDropsWhatWasDeliveredBefore() {
        channel.restore(7, 3);
        channel.offer(Message.text("four"), null); // the first unacknowledged message, back in the buffer

        assertThat(channel.lastAssigned()).isEqualTo(4);
        assertThat(channel.resendFrom()).isEqualTo(4);
        assertThat(channel.drain(Framing.STREAM, 1000, 10)).containsExactly(new Frame.Data(4, Message.text("four"), -1));
        channel.receive(new Frame.Data(7, Message.text("seven, again"), -1), 0); // no digest of it here: dropped all the same
        channel.receive(new Frame.Data(8, Message.text("eight"), -1), 0);
        assertThat(delivered).containsExactly(Message.text("eight"));
    }
}
