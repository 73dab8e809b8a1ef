package io.cometbridge.redis;

import io.cometbridge.protocol.Message;
import io.cometbridge.session.RoomRegistry;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import java.util.Base64;

/**
 * Room broadcasts across nodes (docs/SCALE_OUT.md): a broadcast is published once on the Redis
 * channel {@value #CHANNEL}, and every node, this one included, hands it to its members of the
 * room as it comes back, so every member on every node gets broadcasts in the one order Redis
 * gave them. Only broadcasts travel this way: a message to one session never leaves its node.
 */
public final class RedisRoomRelay implements RoomRegistry.Relay, AutoCloseable {
    static final String CHANNEL = "cb:rooms";

    private final RedisClient client;
    private final StatefulRedisPubSubConnection<String, String> subscriber;
    private final StatefulRedisPubSubConnection<String, String> publisher;

    private RedisRoomRelay(String uri, RoomRegistry rooms) {
        this.client = RedisClient.create(RedisURI.create(uri));
        this.subscriber = client.connectPubSub();
        this.publisher = client.connectPubSub();
        subscriber.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String payload) {
                Broadcast b = Broadcast.decode(payload);
                if (b != null) rooms.deliver(b.room(), b.message(), b.except());
            }
        });
        subscriber.sync().subscribe(CHANNEL);
    }

    /** Relays {@code rooms}' broadcasts through the Redis at {@code uri} from now on. */
    public static RedisRoomRelay attach(String uri, RoomRegistry rooms) {
        RedisRoomRelay relay = new RedisRoomRelay(uri, rooms);
        rooms.relayThrough(relay);
        return relay;
    }

    @Override
    public void publish(String room, Message message, String exceptSessionId) {
        publisher.async().publish(CHANNEL, new Broadcast(room, message, exceptSessionId).encode());
    }

    @Override
    public void close() {
        subscriber.close();
        publisher.close();
        client.shutdown();
    }

    /** One broadcast on the channel: length-prefixed room and excepted session, kind, payload. */
    record Broadcast(String room, Message message, String except) {
        String encode() {
            String ex = except == null ? "" : except;
            String payload = message.isBinary() ? "b" + Base64.getEncoder().encodeToString(message.bytes()) : "t" + message.text();
            return room.length() + ":" + room + ex.length() + ":" + ex + payload;
        }

        static Broadcast decode(String s) {
            try {
                int colon = s.indexOf(':');
                int end = colon + 1 + Integer.parseInt(s.substring(0, colon));
                String room = s.substring(colon + 1, end);
                int colon2 = s.indexOf(':', end);
                int end2 = colon2 + 1 + Integer.parseInt(s.substring(end, colon2));
                String except = s.substring(colon2 + 1, end2);
                String rest = s.substring(end2);
                Message m = rest.charAt(0) == 'b' ? Message.binary(Base64.getDecoder().decode(rest.substring(1))) : Message.text(rest.substring(1));
                return new Broadcast(room, m, except.isEmpty() ? null : except);
            } catch (RuntimeException malformed) { // not ours: another program on the channel
                return null;
            }
        }
    }
}
