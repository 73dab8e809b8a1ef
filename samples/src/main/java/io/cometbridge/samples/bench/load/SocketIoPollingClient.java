package io.cometbridge.samples.bench.load;

import com.google.gson.JsonParser;
import org.eclipse.jetty.http.HttpMethod;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Socket.IO over Engine.IO v4 HTTP long-polling only (socket.io-client with
 * {@code transports: ["polling"]}): {@code GET ?EIO=4&transport=polling} answers OPEN with the sid;
 * then one {@code GET …&sid=} always held for server packets and one {@code POST …&sid=} at a time
 * for client packets (the server refuses overlapping ones). Several packets in one body are
 * separated by the record separator 0x1e. Every request carries a cache-busting {@code t}
 * parameter, as engine.io-client does.
 */
final class SocketIoPollingClient extends AbstractClient {
    private static final String TEXT = "text/plain;charset=UTF-8";
    private static final char SEPARATOR = '\u001e';
    private final SocketIoPackets packets;
    private volatile String sid;
    // guarded by this
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private boolean posting;

    SocketIoPollingClient(LoadGenerator load, URI base, Listener listener) {
        super(load, base, listener);
        this.packets = new SocketIoPackets(this, opened, joined, listener, this::enqueue);
    }

    private URI uri() {
        String t = Long.toString(ThreadLocalRandom.current().nextLong(78_364_164_096L, 2_821_109_907_455L), 36); // 8 chars
        return URI.create(base + "?EIO=4&transport=polling&t=" + t + (sid == null ? "" : "&sid=" + sid));
    }

    @Override
    void start() {
        HttpPoster.send(load, load.http, this, HttpMethod.GET, uri(), null, null, null, a -> {
            if (stopped) return;
            if (!a.ok() || !a.body().startsWith("0")) {
                fail("handshake: " + a.describe());
                return;
            }
            String open = a.body();
            int sep = open.indexOf(SEPARATOR);
            sid = JsonParser.parseString(sep < 0 ? open.substring(1) : open.substring(1, sep)).getAsJsonObject().get("sid").getAsString();
            enqueue(SocketIoPackets.CONNECT);
            poll();
        });
    }

    private void poll() {
        HttpPoster.send(load, load.http, this, HttpMethod.GET, uri(), null, null, null, a -> {
            if (stopped) return;
            if (!a.ok()) {
                fail("poll: " + a.describe());
                return;
            }
            String body = a.body();
            int from = 0;
            while (from < body.length()) {
                int to = body.indexOf(SEPARATOR, from);
                if (to < 0) to = body.length();
                String problem = packets.onPacket(body.substring(from, to));
                if (problem != null) {
                    fail(problem);
                    return;
                }
                from = to + 1;
            }
            if (!stopped) poll();
        });
    }

    private void enqueue(String packet) {
        synchronized (this) {
            queue.add(packet);
            if (posting) return;
            posting = true;
        }
        flush();
    }

    private void flush() {
        StringBuilder body = new StringBuilder();
        synchronized (this) {
            if (queue.isEmpty() || stopped) {
                posting = false;
                return;
            }
            while (!queue.isEmpty()) {
                if (body.length() > 0) body.append(SEPARATOR);
                body.append(queue.poll());
            }
        }
        HttpPoster.send(load, load.http, this, HttpMethod.POST, uri(), TEXT, body.toString(), null, a -> {
            if (stopped) return;
            if (!a.ok()) {
                fail("post: " + a.describe());
                return;
            }
            flush();
        });
    }

    @Override
    public void send(String text) {
        enqueue(SocketIoPackets.event("e", text));
    }

    @Override
    public CompletableFuture<Void> join() {
        enqueue(SocketIoPackets.JOIN);
        return joined;
    }

    @Override
    void stopTransport() {
        // requests in flight end with the server; nothing more is sent (stopped is set)
    }
}
