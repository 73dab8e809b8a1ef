package io.cometbridge.samples.bench.floor;

import io.cometbridge.protocol.FrameCodec;
import io.cometbridge.protocol.Message;
import io.cometbridge.server.SelectorReads;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A calibration instrument, not a transport: the least a handler of Jetty 12's WebSocket core can
 * do to answer the benchmark's WebSocket echo and fan-out (docs/BENCHMARK.md, "The Jetty floor"),
 * put in front of the bridge's own endpoint at the same path, on the same connector. It speaks just
 * enough of docs/PROTOCOL.md sections 1-3: {@code attach} answers an open frame; a text data frame
 * is answered with its payload echoed under this socket's next number, and the payload {@code "j"}
 * also puts the socket in the one fan-out room; everything else (acks, pongs) is dropped. No
 * session, no replay buffer, no acknowledgements, no limits, no Origin or Host check: nothing of
 * what the bridge guarantees. Each text message is decoded to a String and the answer encoded from
 * one, the work any application on Jetty does.
 *
 * <p>{@link #broadcast} encodes the message's JSON once and each socket gets its own copy behind
 * its own next number ({@link FrameCodec#encodeDataUtf8}, the encoding any server of this protocol
 * needs). The room is split into one shard per core, each written by its own thread, so the
 * writes use every core and no two threads write to one socket. A shard's thread takes every
 * broadcast waiting for it at once and writes each socket all of them in one write, as the bridge
 * does for a session that fell behind (CoalescingTask). Without that, one write per frame, the
 * floor could not keep up with 1,000 sockets at 100 broadcasts/s here (28,000-37,000 deliveries/s,
 * seconds of delay); without the shards, two pool threads writing one socket in turn contended on
 * Jetty's per-connection flusher lock.
 */
public final class WebSocketFloor {
    private final AtomicLong sessions = new AtomicLong();
    private final List<Shard> shards = new ArrayList<>();

    /** A floor whose broadcasts are written by one thread per core. */
    public WebSocketFloor() {
        int n = Math.max(2, Runtime.getRuntime().availableProcessors());
        for (int i = 0; i < n; i++) shards.add(new Shard());
    }

    /** {@code next} behind an upgrade handler that takes WebSocket upgrades at {@code path}. */
    public Handler inFrontOf(Server server, Handler next, String path) {
        WebSocketUpgradeHandler ws = new WebSocketUpgradeHandler(WebSocketServerComponents.ensureWebSocketComponents(server),
                upgrade -> upgrade.addMapping(path, (request, response, callback) -> {
                    SelectorReads.forWebSocket(request); // as the bridge's: the echo never blocks
                    long id = sessions.incrementAndGet();
                    return new Echo("floor-" + id, shards.get((int) (id % shards.size())).members);
                }));
        ws.setHandler(next);
        return ws;
    }

    /** Sends {@code text} to every socket in the room. */
    public void broadcast(String text) {
        Message message = Message.text(text); // its UTF-8 JSON is made once and shared by every socket
        for (Shard shard : shards) shard.broadcast(message);
    }

    /** Stops the fan-out threads. */
    public void stop() {
        shards.forEach(s -> s.writer.shutdownNow());
    }

    /** A part of the room and the one thread that writes to it. */
    private static final class Shard {
        final Set<Echo> members = ConcurrentHashMap.newKeySet();
        final Queue<Message> waiting = new ConcurrentLinkedQueue<>();
        final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "floor-fanout");
            t.setDaemon(true);
            return t;
        });

        void broadcast(Message message) {
            waiting.offer(message);
            writer.execute(this::writeWaiting); // a run that finds nothing waiting (an earlier one took it) costs a poll
        }

        private void writeWaiting() {
            List<Message> batch = new ArrayList<>();
            for (Message m = waiting.poll(); m != null; m = waiting.poll()) batch.add(m);
            if (batch.isEmpty()) return;
            for (Echo e : members) e.sendData(batch);
        }
    }

    private static final class Echo implements FrameHandler {
        private final String sid;
        private CoreSession socket;
        private final Set<Echo> shard; // the room's part this socket joins
        private long sent; // guarded by this: an echo (Jetty's thread) and broadcasts (the shard's) number one sequence

        Echo(String sid, Set<Echo> shard) {
            this.sid = sid;
            this.shard = shard;
        }

        @Override
        public void onOpen(CoreSession socket, Callback callback) {
            this.socket = socket;
            callback.succeeded();
            socket.demand();
        }

        @Override
        public void onFrame(Frame frame, Callback callback) {
            if (frame.getOpCode() != OpCode.TEXT) { // the benchmark sends whole text messages only
                callback.succeeded();
                socket.demand();
                return;
            }
            String text = StandardCharsets.UTF_8.decode(frame.getPayload()).toString();
            callback.succeeded();
            if (text.startsWith("{\"t\":\"attach\"")) {
                send(("{\"t\":\"open\",\"sid\":\"" + sid + "\",\"key\":\"k\"}").getBytes(StandardCharsets.UTF_8));
            } else if (text.startsWith("[")) {
                int payloadStart = text.indexOf(',') + 1;
                int payloadEnd = text.lastIndexOf('"') + 1; // the payload is the only JSON string in the frame
                String payload = text.substring(payloadStart, payloadEnd);
                if (payload.equals("\"j\"")) shard.add(this);
                synchronized (this) {
                    send(("[" + (++sent) + "," + payload + "]").getBytes(StandardCharsets.UTF_8));
                }
            }
            socket.demand(); // like the bridge: the next frame is read once this one is handled, not once written
        }

        /** Each message under this socket's next numbers, in one write. */
        void sendData(List<Message> messages) {
            synchronized (this) { // numbered and handed to Jetty's flusher in one step: frames leave in order
                int last = messages.size() - 1;
                for (int i = 0; i <= last; i++) send(FrameCodec.encodeDataUtf8(++sent, messages.get(i), -1), i < last); // batched but the last
            }
        }

        private void send(byte[] text) {
            send(ByteBuffer.wrap(text), false);
        }

        private void send(ByteBuffer text, boolean batch) {
            socket.sendFrame(new Frame(OpCode.TEXT, text), Callback.from(() -> { }, failure -> socket.abort()), batch);
        }

        @Override
        public void onError(Throwable cause, Callback callback) {
            shard.remove(this);
            callback.succeeded();
        }

        @Override
        public void onClosed(CloseStatus closeStatus, Callback callback) {
            shard.remove(this);
            callback.succeeded();
        }
    }
}
