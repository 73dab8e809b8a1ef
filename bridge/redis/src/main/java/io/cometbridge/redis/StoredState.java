package io.cometbridge.redis;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.Message;
import io.cometbridge.session.SessionLog;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the takeover script's answer into a {@link SessionLog.Restored}. */
final class StoredState {
    private StoredState() {
    }

    /**
     * The state to continue from, or null when the session does not exist or its outbound log has
     * a hole (the store lost part of it: the client must hear its session is gone, not miss messages).
     */
    static SessionLog.Restored restore(List<Object> reply) {
        if (reply == null || reply.isEmpty()) return null;
        if (reply.size() == 1) { // the script's refusal: the session belongs to someone else, and stayed where it is
            throw new BridgeException(ErrorCode.PRINCIPAL_CHANGED, "not the principal this session belongs to");
        }
        long generation = number(reply.get(0));
        long received = number(reply.get(1));
        long acknowledged = number(reply.get(2));
        String keys = text(reply.get(3));
        long out = number(reply.get(4));
        List<SessionLog.Entry> entries = new ArrayList<>();
        for (Object o : (List<?>) reply.get(5)) {
            List<?> entry = (List<?>) o;
            String id = text(entry.get(0));
            long seq = Long.parseLong(id.substring(0, id.indexOf('-')));
            if (seq != acknowledged + 1 + entries.size()) return null;
            entries.add(new SessionLog.Entry(seq, message(entry.get(1))));
        }
        if (acknowledged + entries.size() != out) return null;
        List<String> keyList = keys.isEmpty() ? List.of() : Arrays.asList(keys.split(" "));
        String rooms = text(reply.get(6));
        List<String> roomList = rooms.isEmpty() ? List.of() : Arrays.asList(rooms.split("\n"));
        String roomsAt = reply.size() > 8 ? text(reply.get(8)) : "";
        return new SessionLog.Restored(generation, received, acknowledged, keyList, entries, roomList, principal(text(reply.get(7))),
                roomsAt.isEmpty() ? null : roomsAt);
    }

    /** A principal as the meta hash keeps it: {"name": ..., "attributes": {...}}; "" for none. */
    static String principalJson(SessionLog.StoredPrincipal p) {
        if (p == null) return "";
        JsonObject attributes = new JsonObject();
        p.attributes().forEach(attributes::addProperty);
        JsonObject o = new JsonObject();
        o.addProperty("name", p.name());
        o.add("attributes", attributes);
        return o.toString();
    }

    private static SessionLog.StoredPrincipal principal(String json) {
        if (json.isEmpty()) return null;
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        Map<String, String> attributes = new LinkedHashMap<>();
        o.getAsJsonObject("attributes").entrySet().forEach(e -> attributes.put(e.getKey(), e.getValue().getAsString()));
        return new SessionLog.StoredPrincipal(o.get("name").getAsString(), attributes);
    }

    private static Message message(Object fieldsAndValues) {
        List<?> fv = (List<?>) fieldsAndValues;
        String kind = null, payload = null, topic = null;
        for (int i = 0; i + 1 < fv.size(); i += 2) {
            String field = text(fv.get(i)), value = text(fv.get(i + 1));
            switch (field) {
                case "k" -> kind = value;
                case "p" -> payload = value;
                case "t" -> topic = value;
                default -> { }
            }
        }
        Message m = "b".equals(kind) ? Message.binary(Base64.getDecoder().decode(payload)) : Message.text(payload);
        return topic == null || topic.isEmpty() ? m : m.withTopic(topic);
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : Long.parseLong(text(o));
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(o);
    }
}
