package io.cometbridge.samples.browser;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cometbridge.api.BridgeHandler;
import io.cometbridge.api.BridgeSession;
import io.cometbridge.api.Rooms;
import io.cometbridge.protocol.Message;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small server application speaking the chat demo's app protocol, so the browser tests need not
 * wait for the samples' own demo app: {@code {"op":"join","room":R}} joins a room (and gets a
 * system welcome), {@code {"op":"chat","name":N,"text":T}} is broadcast to room "chat" as
 * {@code {"type":"chat","name":N,"text":T,"ts":...}}, sender included. Records what each session sent.
 */
final class DemoChatApp implements BridgeHandler {
    volatile Rooms rooms;
    final Map<String, List<String>> chatsBySession = new ConcurrentHashMap<>();

    @Override
    public void onOpen(BridgeSession session) {
        chatsBySession.put(session.id(), new CopyOnWriteArrayList<>());
    }

    @Override
    public void onMessage(BridgeSession session, Message message) {
        if (message.isBinary()) return;
        JsonObject in;
        try {
            in = JsonParser.parseString(message.text()).getAsJsonObject();
        } catch (RuntimeException e) {
            return;
        }
        String op = in.has("op") ? in.get("op").getAsString() : "";
        if (op.equals("join") && in.has("room")) {
            String room = in.get("room").getAsString();
            session.join(room);
            JsonObject welcome = new JsonObject();
            welcome.addProperty("type", "system");
            welcome.addProperty("text", "joined " + room);
            welcome.addProperty("ts", System.currentTimeMillis());
            session.send(welcome.toString());
        } else if (op.equals("chat")) {
            String text = in.get("text").getAsString();
            chatsBySession.get(session.id()).add(text);
            JsonObject out = new JsonObject();
            out.addProperty("type", "chat");
            out.addProperty("name", in.get("name").getAsString());
            out.addProperty("text", text);
            out.addProperty("ts", System.currentTimeMillis());
            rooms.broadcast("chat", Message.text(out.toString()));
        }
    }
}
