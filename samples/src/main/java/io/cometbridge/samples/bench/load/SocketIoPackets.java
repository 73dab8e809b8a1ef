package io.cometbridge.samples.bench.load;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The Engine.IO v4 / Socket.IO v5 packets the benchmark uses, shared by both Socket.IO transports.
 * Engine.IO: 0 OPEN, 1 CLOSE, 2 PING, 3 PONG, 4 MESSAGE. Socket.IO (inside MESSAGE): 0 CONNECT,
 * 1 DISCONNECT, 2 EVENT, 4 CONNECT_ERROR; the default namespace "/" is implied.
 */
final class SocketIoPackets {
    static final String CONNECT = "40";
    static final String PONG = "3";
    static final String JOIN = "42[\"j\"]";
    private final BenchClient client;
    private final CompletableFuture<Void> opened;
    private final CompletableFuture<Void> joined;
    private final BenchClient.Listener listener;
    private final Consumer<String> out;
    private final int[] end = new int[1];

    SocketIoPackets(BenchClient client, CompletableFuture<Void> opened, CompletableFuture<Void> joined,
                    BenchClient.Listener listener, Consumer<String> out) {
        this.client = client;
        this.opened = opened;
        this.joined = joined;
        this.listener = listener;
        this.out = out;
    }

    static String event(String name, String text) {
        StringBuilder b = new StringBuilder(text.length() + 16).append("42[\"").append(name).append("\",");
        return JsonText.appendQuoted(b, text).append(']').toString();
    }

    /** Handles one Engine.IO packet; returns why the session ended, or null. */
    String onPacket(String p) {
        switch (p.charAt(0)) {
            case '0' -> out.accept(CONNECT); // Engine.IO OPEN: connect to the default namespace
            case '2' -> out.accept(PONG);
            case '4' -> {
                char type = p.charAt(1);
                if (type == '0') {
                    opened.complete(null);
                } else if (type == '2') {
                    onEvent(p);
                } else if (type == '1' || type == '4') {
                    return "socket.io packet " + p;
                }
            }
            case '1' -> {
                return "engine.io CLOSE";
            }
            default -> {
                // 3 PONG, 6 NOOP: nothing to do
            }
        }
        return null;
    }

    private void onEvent(String p) {
        // 42["name"] or 42["name","text"]
        String name = JsonText.readString(p, 3, end);
        if (name.equals("j")) {
            joined.complete(null);
            return;
        }
        if (p.charAt(end[0]) == ',') listener.onMessage(client, JsonText.readString(p, end[0] + 1, end));
    }
}
