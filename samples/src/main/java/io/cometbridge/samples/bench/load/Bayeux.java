package io.cometbridge.samples.bench.load;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A Bayeux 1.0 session as both CometD transports run it: {@code /meta/handshake} → clientId, then
 * {@code /meta/connect} over and over (the first with {@code advice.timeout 0} so it returns at once;
 * later ones are held by the server until it has messages or its timeout passes), {@code /meta/subscribe}
 * to {@code /fan} to join, publish to {@code /service/echo} for the echo (answered on {@code /echo}).
 * The transport supplies how a batch of messages travels ({@code out}) and when the next connect goes.
 */
final class Bayeux {
    private final BenchClient client;
    private final String connectionType;
    private final CompletableFuture<Void> opened;
    private final CompletableFuture<Void> joined;
    private final BenchClient.Listener listener;
    private final Consumer<String> fail;
    private volatile String clientId;
    private long nextId; // guarded by this
    private boolean connected;

    Bayeux(BenchClient client, String connectionType, CompletableFuture<Void> opened, CompletableFuture<Void> joined,
           BenchClient.Listener listener, Consumer<String> fail) {
        this.client = client;
        this.connectionType = connectionType;
        this.opened = opened;
        this.joined = joined;
        this.listener = listener;
        this.fail = fail;
    }

    private synchronized long id() {
        return ++nextId;
    }

    String handshake() {
        return "[{\"id\":\"" + id() + "\",\"version\":\"1.0\",\"minimumVersion\":\"1.0\",\"channel\":\"/meta/handshake\","
                + "\"supportedConnectionTypes\":[\"" + connectionType + "\"],\"advice\":{\"timeout\":60000,\"interval\":0}}]";
    }

    String connect() {
        boolean first;
        synchronized (this) {
            first = !connected;
        }
        return "[{\"id\":\"" + id() + "\",\"channel\":\"/meta/connect\",\"connectionType\":\"" + connectionType + "\","
                + (first ? "\"advice\":{\"timeout\":0}," : "") + "\"clientId\":\"" + clientId + "\"}]";
    }

    /** One publish or subscribe message, without the enclosing array (batches may join several). */
    String publish(String text) {
        StringBuilder b = new StringBuilder(text.length() + 96).append("{\"id\":\"").append(id())
                .append("\",\"channel\":\"/service/echo\",\"data\":");
        return JsonText.appendQuoted(b, text).append(",\"clientId\":\"").append(clientId).append("\"}").toString();
    }

    String subscribe() {
        return "{\"id\":\"" + id() + "\",\"channel\":\"/meta/subscribe\",\"subscription\":\"/fan\",\"clientId\":\"" + clientId + "\"}";
    }

    /**
     * Handles a batch the server sent. Returns what to do next: {@link Next#CONNECT} when the
     * handshake or a connect was answered (send the next connect), else {@link Next#NOTHING}.
     */
    Next onBatch(String body) {
        JsonArray messages = JsonParser.parseString(body).getAsJsonArray();
        Next next = Next.NOTHING;
        for (JsonElement e : messages) {
            JsonObject m = e.getAsJsonObject();
            String channel = m.get("channel").getAsString();
            if (!channel.startsWith("/meta/")) {
                JsonElement data = m.get("data");
                if (data != null && data.isJsonPrimitive()) listener.onMessage(client, data.getAsString());
                else if (m.has("successful") && !m.get("successful").getAsBoolean()) fail.accept("publish failed: " + m);
                continue; // a publish reply otherwise
            }
            boolean ok = m.has("successful") && m.get("successful").getAsBoolean();
            if (!ok) {
                fail.accept("unsuccessful " + m);
                return Next.NOTHING;
            }
            switch (channel) {
                case "/meta/handshake" -> {
                    clientId = m.get("clientId").getAsString();
                    next = Next.CONNECT;
                }
                case "/meta/connect" -> {
                    synchronized (this) {
                        connected = true;
                    }
                    opened.complete(null);
                    next = Next.CONNECT;
                }
                case "/meta/subscribe" -> joined.complete(null);
                default -> {
                    // other meta replies: nothing to do
                }
            }
        }
        return next;
    }

    enum Next { NOTHING, CONNECT }
}
