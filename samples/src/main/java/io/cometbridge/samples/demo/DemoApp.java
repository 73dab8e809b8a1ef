package io.cometbridge.samples.demo;

import com.google.gson.JsonObject;
import io.cometbridge.api.BridgeHandler;
import io.cometbridge.api.BridgeSession;
import io.cometbridge.api.CloseReason;
import io.cometbridge.api.Rooms;
import io.cometbridge.protocol.Message;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The demo server's application: routes the JSON ops of the browser pages to the chat and the
 * live ticker. Invalid messages get {@code {"type":"error","text":...}} back, to the sender only.
 *
 * <p>Messages are checked on the session's callback thread; what they do to the rooms runs on one
 * demo thread, one operation at a time (the ticker's timer too). So each broadcast is complete
 * before the next starts, even when a send runs another session's callback on the same stack.
 *
 * <p>CometD pages (the Bayeux endpoint, docs/MIGRATING.md) speak the same ops as data published on
 * {@value #BAYEUX_CHANNEL}, a service channel: only this application sees them. They subscribe to
 * {@code /chat} (room {@code chat}) and {@code /ticker}, and get errors on {@code /service/bridge}. Whatever
 * they publish on other channels the bridge broadcasts by itself, so it is not handled here.
 *
 * <p>Create it, build the bridge with it, then {@link #start} it with the bridge's rooms.
 */
public final class DemoApp implements BridgeHandler, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DemoApp.class.getName());
    /** Where CometD pages publish the demo's ops. */
    static final String BAYEUX_CHANNEL = "/service/chat";

    private final Duration tickerInterval;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "demo-apps");
        t.setDaemon(true);
        return t;
    });
    private volatile ChatRoom chat;
    private volatile Ticker ticker;

    public DemoApp(Duration tickerInterval) {
        this.tickerInterval = tickerInterval;
    }

    /** Starts the ticker; broadcasts go through {@code rooms} (serialized once for all members). */
    public DemoApp start(Rooms rooms) {
        chat = new ChatRoom(rooms);
        ticker = new Ticker(rooms);
        long ms = tickerInterval.toMillis();
        thread.scheduleAtFixedRate(() -> run(null, ticker::tick), ms, ms, TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public void onMessage(BridgeSession session, Message message) {
        if (message.topic() != null && !message.topic().equals(BAYEUX_CHANNEL.substring(1))) return; // broadcast by the bridge
        try {
            JsonObject o = AppProtocol.parse(message);
            String op = AppProtocol.string(o, "op", 20);
            switch (op) {
                case "join" -> join(session, o);
                case "leave" -> leave(session, o);
                case "chat" -> {
                    String name = AppProtocol.string(o, "name", ChatRoom.MAX_NAME);
                    String text = AppProtocol.string(o, "text", ChatRoom.MAX_TEXT);
                    submit(session, () -> chat.say(session, name, text));
                }
                default -> throw new AppProtocol.Invalid("unknown op \"" + op + "\": use join, leave or chat");
            }
        } catch (AppProtocol.Invalid e) {
            session.send(AppProtocol.error(e.getMessage()));
        }
    }

    private void join(BridgeSession session, JsonObject o) {
        if (room(o).equals(ChatRoom.ROOM)) {
            String name = AppProtocol.optionalString(o, "name", ChatRoom.MAX_NAME);
            submit(session, () -> chat.join(session, name));
        } else {
            submit(session, () -> ticker.join(session));
        }
    }

    private void leave(BridgeSession session, JsonObject o) {
        if (room(o).equals(ChatRoom.ROOM)) {
            submit(session, () -> chat.leave(session));
        } else {
            submit(session, () -> ticker.leave(session));
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
        submit(session, () -> chat.leave(session));
    }

    /** Runs a room operation on the demo thread; an {@link AppProtocol.Invalid} goes back to {@code session}. */
    private void submit(BridgeSession session, Runnable op) {
        try {
            thread.execute(() -> run(session, op));
        } catch (RejectedExecutionException e) {
            // the demo is shutting down: nothing to do any more
        }
    }

    private static void run(BridgeSession session, Runnable op) {
        try {
            op.run();
        } catch (AppProtocol.Invalid e) {
            if (session != null) session.send(AppProtocol.error(e.getMessage()));
        } catch (RuntimeException e) { // never let one bad operation stop the thread or the ticker
            LOG.log(Level.WARNING, "demo app operation failed", e);
            if (session != null) session.send(AppProtocol.error("internal error"));
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
