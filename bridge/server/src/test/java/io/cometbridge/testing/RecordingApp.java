package io.cometbridge.testing;

import io.cometbridge.api.BridgeHandler;
import io.cometbridge.api.BridgeSession;
import io.cometbridge.api.CloseReason;
import io.cometbridge.protocol.Message;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test application: records what every session receives and how it closes; optionally echoes
 * each message back, or relays it to everyone else in room "chat".
 */
public class RecordingApp implements BridgeHandler {
    public enum Mode { RECORD, ECHO, CHAT }

    private final Mode mode;
    public final Map<String, BridgeSession> opened = new ConcurrentHashMap<>();
    public final Map<String, List<Message>> received = new ConcurrentHashMap<>();
    public final Map<String, CloseReason> closed = new ConcurrentHashMap<>();

    public RecordingApp(Mode mode) {
        this.mode = mode;
    }

    @Override
    public void onOpen(BridgeSession session) {
        opened.put(session.id(), session);
        received.put(session.id(), new CopyOnWriteArrayList<>());
        if (mode == Mode.CHAT) session.join("chat");
    }

    @Override
    public void onMessage(BridgeSession session, Message message) {
        received.get(session.id()).add(message);
        switch (mode) {
            case ECHO -> session.send(message);
            case CHAT -> bridgeRooms.broadcast("chat", message, session);
            default -> { }
        }
    }

    @Override
    public void onClose(BridgeSession session, CloseReason reason) {
        closed.put(session.id(), reason);
    }

    /** Set by the fixture once the bridge exists (CHAT mode broadcasts through it). */
    public volatile io.cometbridge.api.Rooms bridgeRooms;

    /**
     * The application's view of a session the client just opened. The server sends the open frame
     * before it calls onOpen, so a client can know its session a moment before the application does.
     */
    public BridgeSession session(String sessionId) {
        org.awaitility.Awaitility.await().until(() -> opened.containsKey(sessionId));
        return opened.get(sessionId);
    }

    public List<Message> receivedBy(String sessionId) {
        return received.getOrDefault(sessionId, List.of());
    }
}
