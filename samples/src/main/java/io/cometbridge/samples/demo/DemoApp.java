package io.cometbridge.samples.demo;

import com.google.gson.JsonObject;
import io.cometbridge.api.BridgeHandler;
import io.cometbridge.api.BridgeSession;
import io.cometbridge.api.CloseReason;
import io.cometbridge.api.Rooms;
import io.cometbridge.protocol.Message;

import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The demo server's application: routes the JSON ops of the browser pages to the chat and the
 * live ticker. Invalid messages get {@code {"type":"error","text":...}} back, to the sender only.
 *
 * <p>Create it, build the bridge with it, then {@link #start} it with the bridge's rooms.
 */
public final class DemoApp implements BridgeHandler, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DemoApp.class.getName());

    private final Duration tickerInterval;
    private volatile ChatRoom chat;
    private volatile Ticker ticker;

    public DemoApp(Duration tickerInterval) {
        this.tickerInterval = tickerInterval;
    }

    /** Starts the ticker; broadcasts go through {@code rooms} (serialized once for all members). */
    public DemoApp start(Rooms rooms) {
        chat = new ChatRoom(rooms);
        ticker = new Ticker(rooms, tickerInterval);
        return this;
    }

    @Override
    public void onMessage(BridgeSession session, Message message) {
        try {
            JsonObject o = AppProtocol.parse(message);
            String op = AppProtocol.string(o, "op", 20);
            switch (op) {
                case "join" -> join(session, o);
                case "leave" -> leave(session, o);
                case "chat" -> chat.say(session, AppProtocol.string(o, "name", ChatRoom.MAX_NAME),
                        AppProtocol.string(o, "text", ChatRoom.MAX_TEXT));
                default -> throw new AppProtocol.Invalid("unknown op \"" + op + "\": use join, leave or chat");
            }
        } catch (AppProtocol.Invalid e) {
            session.send(AppProtocol.error(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "demo app failed on a message", e);
            session.send(AppProtocol.error("internal error"));
        }
    }

    private void join(BridgeSession session, JsonObject o) {
        switch (room(o)) {
            case ChatRoom.ROOM -> chat.join(session, AppProtocol.optionalString(o, "name", ChatRoom.MAX_NAME));
            default -> ticker.join(session);
        }
    }

    private void leave(BridgeSession session, JsonObject o) {
        switch (room(o)) {
            case ChatRoom.ROOM -> chat.leave(session);
            default -> ticker.leave(session);
        }
    }

    private static String room(JsonObject o) {
        String room = AppProtocol.string(o, "room", 20);
        if (!room.equals(ChatRoom.ROOM) && !room.equals(Ticker.ROOM)) {
            throw new AppProtocol.Invalid("unknown room \"" + room + "\": rooms are chat and ticker");
        }
        return room;
    }

    @Override
    public void onClose(BridgeSession session, CloseReason reason) {
        ChatRoom c = chat;
        if (c != null) c.closed(session);
    }

    @Override
    public void close() {
        Ticker t = ticker;
        if (t != null) t.close();
    }
}
