package io.cometbridge.bayeux;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.Message;
import io.cometbridge.session.Bridge;
import io.cometbridge.session.Session;

import java.util.List;

/**
 * A Bayeux publish, the client-to-server direction: the {@code data} becomes one bridge message
 * (its JSON text, addressed to the channel's room as {@link Message#topic()}) that the session
 * delivers to the application's {@code onMessage} in order; then, on a broadcast channel, the
 * bridge broadcasts it to the room (CometD's default), so native clients in room {@code chat/demo}
 * get what a Bayeux client published on {@code /chat/demo}. {@code /service/**} goes to the
 * application only. The publish reply follows once the application has seen the message.
 */
final class BayeuxPublisher {
    private final Bridge bridge;
    private final BayeuxOptions options;

    BayeuxPublisher(Bridge bridge, BayeuxOptions options) {
        this.bridge = bridge;
        this.options = options;
    }

    void publish(JsonObject m, String channel, Session session, BayeuxState state, ReplyBatch batch, int slot) {
        if (ChannelName.isWildcard(channel)) throw new BridgeException(ErrorCode.MALFORMED, "cannot publish to a wildcard channel");
        JsonElement data = m.get("data");
        if (data == null) throw new BridgeException(ErrorCode.MALFORMED, "publish without data");
        String text = data.toString();
        int max = bridge.config().maxMessageBytes();
        // Checked here, before a sequence number is spent on it: the session's own check would
        // refuse it after the number was taken, and every later publish would be out of sequence.
        if (text.length() > max) throw new BridgeException(ErrorCode.TOO_LARGE, "message larger than " + max);
        String room = ChannelName.room(channel);
        Message message = Message.text(text).withTopic(room);
        if (!options.policy().canPublish(session, channel, message)) {
            batch.fill(slot, BayeuxJson.error(m, channel, 403, "publish denied", null));
            return;
        }
        boolean broadcast = options.broadcastPublishes() && !ChannelName.isService(channel);
        session.execute(() -> {
            long seq = ++state.inbound; // numbered on the executor, so in the order the session receives them
            session.received(state.transport, List.of(new Frame.Data(seq, message)), (reply, error) -> {
                if (error != null || !session.isOpen()) {
                    int code = error == null ? 402 : BayeuxJson.codeOf(error);
                    String text1 = error == null ? "session closed" : error.getMessage();
                    batch.fill(slot, BayeuxJson.error(m, channel, code, text1, code == 402 ? "handshake" : null));
                    return;
                }
                if (broadcast) bridge.rooms().broadcast(room, message);
                batch.fill(slot, MetaReplies.ok(m, channel));
            });
        });
    }
}
