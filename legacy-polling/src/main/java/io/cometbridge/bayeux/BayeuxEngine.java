package io.cometbridge.bayeux;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.cometbridge.api.CloseReason;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.Message;
import io.cometbridge.session.Bridge;
import io.cometbridge.session.Session;

import java.util.List;

/**
 * The Bayeux 1.0 protocol over the bridge, shared by both connection types: each message of a
 * batch is dispatched by channel (handshake, connect, subscribe, unsubscribe, disconnect, or a
 * publish) onto the bridge session that is the client. Errors get the Bayeux error form
 * ({@code successful:false, error:"code::text"}) in that message's answer and touch nothing else.
 */
final class BayeuxEngine {
    private final Bridge bridge;
    private final BayeuxOptions options;
    private final MetaReplies replies;
    private final BayeuxPublisher publisher;

    BayeuxEngine(Bridge bridge, BayeuxOptions options) {
        this.bridge = bridge;
        this.options = options;
        this.replies = new MetaReplies(bridge.config().pollTimeout().toMillis(), bridge.config().gracePeriod().toMillis());
        this.publisher = new BayeuxPublisher(bridge, options);
    }

    MetaReplies replies() {
        return replies;
    }

    BayeuxOptions options() {
        return options;
    }

    Bridge bridge() {
        return bridge;
    }

    /** Processes one batch that came over {@code link}; the answers go to {@code conduit} once all are known. */
    ReplyBatch process(List<JsonObject> messages, Link link, Conduit conduit) {
        ReplyBatch batch = new ReplyBatch(conduit, messages.size());
        for (int i = 0; i < messages.size(); i++) {
            JsonObject m = messages.get(i);
            try {
                dispatch(m, link, batch, i);
            } catch (BridgeException e) {
                batch.fill(i, BayeuxJson.error(m, BayeuxJson.string(m, "channel"), BayeuxJson.codeOf(e), e.getMessage(), null));
            }
        }
        return batch;
    }

    private void dispatch(JsonObject m, Link link, ReplyBatch batch, int slot) {
        String channel = BayeuxJson.string(m, "channel");
        if (channel == null) throw new BridgeException(ErrorCode.MALFORMED, "message without a channel");
        if (!ChannelName.isValid(channel)) throw new BridgeException(ErrorCode.MALFORMED, "invalid channel name");
        if (channel.equals(MetaReplies.HANDSHAKE)) {
            handshake(m, link, batch, slot);
            return;
        }
        String clientId = BayeuxJson.string(m, "clientId");
        Session session = clientId == null ? null : bridge.find(clientId);
        BayeuxState state = session == null ? null : BayeuxState.of(session);
        if (state == null) { // never handshaken, expired, closed, or a session of the bridge's own protocol
            batch.fill(slot, BayeuxJson.error(m, channel, 402, "unknown client", "handshake"));
            return;
        }
        link.charge(session.wireTally());
        switch (channel) {
            case MetaReplies.CONNECT -> connect(m, session, state, link, batch, slot);
            case "/meta/subscribe" -> subscribe(m, session, channel, batch, slot, true);
            case "/meta/unsubscribe" -> subscribe(m, session, channel, batch, slot, false);
            case "/meta/disconnect" -> disconnect(m, session, state, batch, slot);
            default -> {
                if (ChannelName.isMeta(channel)) throw new BridgeException(ErrorCode.MALFORMED, "unknown meta channel");
                publisher.publish(m, channel, session, state, batch, slot);
            }
        }
    }

    // ---------------------------------------------------------------- handshake

    private void handshake(JsonObject m, Link link, ReplyBatch batch, int slot) {
        JsonElement types = m.get("supportedConnectionTypes");
        if (types == null || !types.isJsonArray() || !types.getAsJsonArray().contains(BayeuxJson.str(link.connectionType()))) {
            JsonObject r = BayeuxJson.error(m, MetaReplies.HANDSHAKE, 400, "unsupported connection types", "none");
            r.add("supportedConnectionTypes", MetaReplies.connectionTypes());
            batch.fill(slot, r);
            return;
        }
        if (BayeuxJson.string(m, "version") == null) throw new BridgeException(ErrorCode.MALFORMED, "handshake without a version");
        JsonObject ext = BayeuxJson.object(m, "ext");
        String extJson = ext == null ? null : ext.toString();
        if (!options.policy().canHandshake(link.remoteAddress(), extJson)) {
            batch.fill(slot, BayeuxJson.error(m, MetaReplies.HANDSHAKE, 403, "handshake denied", "none"));
            return;
        }
        JsonElement ackField = ext == null ? null : ext.get("ack");
        boolean ack = ackField != null && ackField.isJsonPrimitive() && ackField.getAsJsonPrimitive().isBoolean() && ackField.getAsBoolean();
        String token = ext == null ? null : BayeuxJson.string(ext, "auth"); // the authenticator's token, if the client sent one
        BayeuxTransport transport = new BayeuxTransport(this, link, (t, open) -> {
            Session session = bridge.find(open.sid());
            BayeuxState state = new BayeuxState(ack);
            state.authToken = token;
            state.resumeKey = open.key();
            session.attributes().put(BayeuxState.KEY, state); // before the application's onOpen, which follows
            if (extJson != null) session.attributes().put(BayeuxState.HANDSHAKE_EXT, extJson);
            t.state(state);
            link.charge(session.wireTally());
            batch.fill(slot, replies.handshake(m, open.sid(), ack));
        });
        bridge.attach(transport, new Frame.Attach(null, null, 0, null, token), e -> batch.fill(slot, BayeuxJson.error(m, MetaReplies.HANDSHAKE,
                BayeuxJson.codeOf(e), e.getMessage(), "handshake")));
    }

    // ---------------------------------------------------------------- connect

    private void connect(JsonObject m, Session session, BayeuxState state, Link link, ReplyBatch batch, int slot) {
        long clientAck = state.ack ? Math.max(-1, BayeuxJson.number(BayeuxJson.object(m, "ext"), "ack", -1)) : -1;
        long timeout = BayeuxJson.number(BayeuxJson.object(m, "advice"), "timeout", replies.timeoutMillis());
        timeout = Math.max(0, Math.min(timeout, replies.timeoutMillis())); // never held past proxy idle cuts
        HeldConnect hc = new HeldConnect(m, batch, slot, clientAck, timeout);
        session.withTransport(BayeuxTransport.class, state.resumeKey, t -> {
            if (link.carries(t)) t.connect(hc);
            else reattach(session, state, link, hc);
        }, e -> {
            if (e.code() == ErrorCode.TRANSPORT_REPLACED) reattach(session, state, link, hc);
            else batch.fill(slot, replies.failed(hc, e));
        });
    }

    /**
     * On the session's executor: a connect over a link its transport does not carry (another
     * WebSocket, long-polling after a WebSocket, or any link after the transport was detached as
     * silent). A new transport attaches to the session, resuming where the client stands.
     */
    private void reattach(Session session, BayeuxState state, Link link, HeldConnect hc) {
        long resume = state.ack && hc.clientAck >= 0 ? hc.clientAck : state.lastSent;
        BayeuxTransport t = new BayeuxTransport(this, link, (opened, open) -> {
            state.resumeKey = open.key();
            opened.state(state);
            opened.connectAfterAttach(hc);
        });
        bridge.attach(t, new Frame.Attach(session.id(), state.resumeKey, resume, null, state.authToken), e -> hc.batch.fill(hc.slot, replies.failed(hc, e)));
    }

    // ---------------------------------------------------------------- subscriptions, disconnect

    private void subscribe(JsonObject m, Session session, String meta, ReplyBatch batch, int slot, boolean join) {
        JsonElement field = m.get("subscription");
        JsonArray channels = new JsonArray();
        if (field != null && field.isJsonArray()) channels = field.getAsJsonArray();
        else if (field != null) channels.add(field);
        if (channels.isEmpty()) throw new BridgeException(ErrorCode.MALFORMED, "no subscription");
        for (JsonElement e : channels) {
            String c = e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
            if (!ChannelName.isValid(c)) throw new BridgeException(ErrorCode.MALFORMED, "invalid subscription channel");
            if (ChannelName.isMeta(c)) {
                batch.fill(slot, BayeuxJson.error(m, meta, 403, "meta channels cannot be subscribed", null));
                return;
            }
            if (join && !options.policy().canSubscribe(session, c)) {
                batch.fill(slot, BayeuxJson.error(m, meta, 403, "subscription denied", null));
                return;
            }
        }
        for (JsonElement e : channels) {
            String c = e.getAsString();
            if (ChannelName.isService(c)) continue; // accepted; service channels are never broadcast
            if (join) session.join(ChannelName.room(c));
            else session.leave(ChannelName.room(c));
        }
        JsonObject r = MetaReplies.ok(m, meta);
        r.add("subscription", field);
        MetaReplies.timesync(r, Timesync.of(m));
        batch.fill(slot, r);
    }

    private void disconnect(JsonObject m, Session session, BayeuxState state, ReplyBatch batch, int slot) {
        CloseReason bye = CloseReason.CLIENT_CLOSED;
        session.execute(() -> session.received(state.transport, List.of(new Frame.Close(bye.code(), bye.reason())), (r, e) -> { }));
        JsonObject r = MetaReplies.ok(m, "/meta/disconnect");
        MetaReplies.timesync(r, Timesync.of(m));
        batch.fill(slot, r);
    }
}
