package io.cometbridge.redis;

import io.cometbridge.protocol.Message;
import io.cometbridge.session.BroadcastPosition;
import io.cometbridge.session.RoomRegistry;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.UnblockType;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Room broadcasts across nodes (docs/SCALE_OUT.md): a broadcast is appended once to the capped
 * Redis stream {@value #LOG}, whose ids put all broadcasts in one order, and every node, this one
 * included, reads the stream on one thread and hands each broadcast, with its id, to its members
 * of the room. Each member stores the id of the last broadcast it took with its commits, so a node
 * that takes a session over hands it, before its next live broadcast, the ones it missed while it
 * moved ({@link #catchUp}). Only broadcasts travel this way: a message to one session never leaves its node.
 */
public final class RedisRoomRelay implements RoomRegistry.Relay, AutoCloseable {
    static final String LOG = "cb:rooms:log";
    /** Broadcasts the log keeps (about: trimmed with {@code MAXLEN ~}), the default. */
    public static final long DEFAULT_CAP = 100_000;
    private static final long BLOCK_MILLIS = 1_000; // an idle tail reads again this often (or when woken)
    private static final int BATCH = 512;
    private static final Logger LOGGER = LoggerFactory.getLogger(RedisRoomRelay.class);

    /** Where an entry of the log goes: a delivery to this node's members, or one session's catch-up. */
    private interface Take {
        void take(String id, String room, Message message, String except);
    }

    /** A catch-up waiting for the tail thread. */
    private record Pending(String after, RoomRegistry.CatchUp catchUp) {
    }

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> commands; // appends, catch-up reads, wake-ups
    private final StatefulRedisConnection<String, String> tail;     // the blocking reads only
    private final long tailId;
    private final RoomRegistry rooms;
    private final XAddArgs append;
    private final Queue<Pending> pending = new ConcurrentLinkedQueue<>();
    private final AtomicLong gaps = new AtomicLong();
    private final Thread reader;
    private volatile String position;
    private volatile boolean open = true;

    private RedisRoomRelay(String uri, RoomRegistry rooms, long cap) {
        this.client = RedisClient.create(RedisURI.create(uri));
        // While Redis is away a broadcast fails at once rather than waiting in an unbounded queue.
        client.setOptions(ClientOptions.builder().disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
        this.commands = client.connect();
        this.tail = client.connect();
        this.tailId = tail.sync().clientId();
        this.rooms = rooms;
        this.append = XAddArgs.Builder.maxlen(cap).approximateTrimming();
        this.position = start();
        this.reader = new Thread(this::read, "cb-rooms-tail");
        reader.setDaemon(true);
        reader.start();
    }

    /** Relays {@code rooms}' broadcasts through the Redis at {@code uri} from now on, keeping about {@link #DEFAULT_CAP}. */
    public static RedisRoomRelay attach(String uri, RoomRegistry rooms) {
        return attach(uri, rooms, DEFAULT_CAP);
    }

    /** As {@link #attach(String, RoomRegistry)}, the log keeping about {@code cap} broadcasts. */
    public static RedisRoomRelay attach(String uri, RoomRegistry rooms, long cap) {
        RedisRoomRelay relay = new RedisRoomRelay(uri, rooms, cap);
        rooms.relayThrough(relay);
        return relay;
    }

    /**
     * Where this node starts reading: after the log's last entry. An empty log gets a marker entry
     * first, so that every position a session records is an entry's id (a catch-up then tells a
     * log trimmed past it by that entry's absence).
     */
    private String start() {
        List<StreamMessage<String, String>> last = commands.sync().xrevrange(LOG, Range.create("-", "+"), Limit.create(0, 1));
        return last.isEmpty() ? commands.sync().xadd(LOG, append, "start", "1") : last.get(0).getId();
    }

    @Override
    public void publish(String room, Message message, String exceptSessionId) {
        commands.async().xadd(LOG, append, "r", room, "x", exceptSessionId == null ? "" : exceptSessionId,
                "k", message.isBinary() ? "b" : "t", "p", message.isBinary() ? java.util.Base64.getEncoder().encodeToString(message.bytes()) : message.text());
    }

    @Override
    public String position() {
        return position;
    }

    @Override
    public void catchUp(String after, RoomRegistry.CatchUp catchUp) {
        pending.add(new Pending(after, catchUp));
        commands.async().clientUnblock(tailId, UnblockType.TIMEOUT); // the tail thread runs it at once, not after its read times out
    }

    /** Broadcasts a catch-up could not hand out because the log was trimmed past a session's position. */
    public long gaps() {
        return gaps.get();
    }

    /** The tail thread: reads the log in order and hands each broadcast out; runs catch-ups between reads. */
    private void read() {
        while (open) {
            try {
                List<StreamMessage<String, String>> batch = tail.sync().xread(XReadArgs.Builder.block(BLOCK_MILLIS).count(BATCH),
                        XReadArgs.StreamOffset.from(LOG, position));
                if (batch != null) {
                    for (StreamMessage<String, String> m : batch) {
                        hand(m, (id, room, message, except) -> rooms.deliver(room, message, except, id));
                        position = m.getId(); // after handing it out: a session that joins and reads this position has it queued
                    }
                }
                for (Pending p = pending.poll(); p != null; p = pending.poll()) catchUp(p);
            } catch (RuntimeException e) {
                if (!open) return;
                LOGGER.warn("reading the room broadcast log failed; retrying", e);
                try {
                    Thread.sleep(500);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /**
     * Hands {@code p} the broadcasts after its position up to this node's, then lets it join. The
     * entry at its position must still be in the log: if the log was trimmed past it (the session
     * was away longer than the cap covers), the broadcasts that are left are handed out, and the
     * gap is logged and counted (docs/SCALE_OUT.md).
     */
    private void catchUp(Pending p) {
        String upTo = position;
        try {
            String last = p.after();
            boolean checked = false;
            while (BroadcastPosition.compare(last, upTo) < 0) { // pages of BATCH, each from the last entry handed out
                List<StreamMessage<String, String>> page = commands.sync().xrange(LOG, Range.create(last, upTo), Limit.create(0, BATCH));
                if (!checked && (page.isEmpty() || !page.get(0).getId().equals(p.after()))) gap(p.after(), page.isEmpty() ? upTo : page.get(0).getId());
                checked = true;
                for (StreamMessage<String, String> m : page) {
                    if (BroadcastPosition.compare(m.getId(), last) <= 0) continue;
                    hand(m, p.catchUp()::take);
                    last = m.getId();
                }
                if (page.size() < BATCH) break;
            }
        } catch (RuntimeException e) {
            LOGGER.warn("catching a session up on room broadcasts failed", e);
            gaps.incrementAndGet();
        }
        p.catchUp().done();
    }

    private void gap(String after, String next) {
        gaps.incrementAndGet();
        LOGGER.warn("room broadcast log trimmed past a session's position {} (next kept: {}): broadcasts it missed while it moved are lost",
                after, next);
    }

    /** One entry of the log to {@code to}; the start marker (no room) is nobody's. */
    private static void hand(StreamMessage<String, String> m, Take to) {
        java.util.Map<String, String> b = m.getBody();
        String room = b.get("r");
        String payload = b.get("p");
        if (room == null || payload == null) return;
        Message message = "b".equals(b.get("k")) ? Message.binary(java.util.Base64.getDecoder().decode(payload)) : Message.text(payload);
        String except = b.get("x");
        to.take(m.getId(), room, message, except == null || except.isEmpty() ? null : except);
    }

    @Override
    public void close() {
        open = false;
        try {
            commands.sync().clientUnblock(tailId, UnblockType.TIMEOUT);
            reader.join(2_000);
        } catch (RuntimeException | InterruptedException ignored) { // closing anyway
        }
        tail.close();
        commands.close();
        client.shutdown();
    }
}
