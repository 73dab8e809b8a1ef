package io.cometbridge.redis;

import io.cometbridge.protocol.Message;
import io.cometbridge.session.SessionLog;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The session log in Redis (docs/SCALE_OUT.md): per session a hash of its state and a stream per
 * direction, their keys sharing the session's hash tag ({@code cb:{sid}:meta}, {@code :out},
 * {@code :in}) so one Lua script touches them atomically, in Redis Cluster too. Every commit and
 * takeover is one script call on one pipelined connection; scripts check the generation (who
 * owns the session) and the continuity of the outbound log, so a node never builds on state the
 * store lost. Keys expire a while after their owner stops touching them.
 */
public final class RedisSessionLog implements SessionLog, AutoCloseable {
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisAsyncCommands<String, String> redis;
    private final String ttlMillis;
    private final String maxInbound;
    private final String nodeUrl; // where other nodes forward requests for this node's sessions ("": nowhere)

    /**
     * Connects to {@code uri} ({@code redis://host:port}). State of a session nobody touches
     * expires after {@code expiry}; the inbound log keeps about {@code maxInbound} messages.
     * {@code nodeUrl} ({@code http://host:port}, reachable by the other nodes; null: none) is
     * recorded as the owner of the sessions this node creates or takes over.
     */
    public RedisSessionLog(String uri, Duration expiry, int maxInbound, String nodeUrl) {
        this.client = RedisClient.create(RedisURI.create(uri));
        // Fail fast while Redis is away: a commit that cannot be stored is not acknowledged.
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(5)))
                .build());
        this.connection = client.connect();
        this.redis = connection.async();
        this.ttlMillis = Long.toString(expiry.toMillis());
        this.maxInbound = Integer.toString(maxInbound);
        this.nodeUrl = nodeUrl == null ? "" : nodeUrl;
    }

    /**
     * For a bridge with {@code config}: a session nobody touches expires once its grace period and
     * two heartbeat intervals have passed (its node touches it every heartbeat interval); the
     * inbound log keeps about as many messages as the replay buffer.
     */
    public static RedisSessionLog forConfig(String uri, io.cometbridge.session.BridgeConfig config, String nodeUrl) {
        return new RedisSessionLog(uri, config.gracePeriod().plus(config.heartbeatInterval().multipliedBy(2)), config.maxQueuedMessages(), nodeUrl);
    }

    @Override
    public boolean durable() {
        return true;
    }

    @Override
    public CompletionStage<Outcome> commit(String sid, long generation, Commit c) {
        List<String> args = new ArrayList<>(12 + 4 * (c.outbound().size() + c.inbound().size()));
        args.add(Long.toString(generation));
        args.add(Long.toString(c.received()));
        args.add(Long.toString(c.acknowledged()));
        args.add(String.join(" ", c.keys()));
        args.add(ttlMillis);
        args.add(maxInbound);
        args.add(nodeUrl);
        args.add(String.join("\n", c.rooms()));
        args.add(StoredState.principalJson(c.principal()));
        args.add(c.roomsAt() == null ? "" : c.roomsAt());
        addEntries(args, c.outbound());
        addEntries(args, c.inbound());
        CompletionStage<String> result = redis.eval(Scripts.COMMIT, ScriptOutputType.VALUE, keys(sid), args.toArray(String[]::new));
        return result.thenApply(Outcome::valueOf);
    }

    @Override
    public CompletionStage<Restored> takeOver(String sid, String presentedKey, String principal) {
        CompletionStage<List<Object>> result = redis.eval(Scripts.TAKE_OVER, ScriptOutputType.MULTI, keys(sid), ttlMillis, nodeUrl, presentedKey,
                principal == null ? "" : "=" + principal);
        return result.thenApply(StoredState::restore);
    }

    @Override
    public CompletionStage<Outcome> touch(String sid, long generation) {
        CompletionStage<String> result = redis.eval(Scripts.TOUCH, ScriptOutputType.VALUE, keys(sid), Long.toString(generation), ttlMillis);
        return result.thenApply(Outcome::valueOf);
    }

    @Override
    public CompletionStage<String> ownerOf(String sid) {
        CompletionStage<String> node = redis.hget(keys(sid)[0], "node");
        return node.thenApply(url -> url == null || url.isEmpty() || url.equals(nodeUrl) ? null : url);
    }

    @Override
    public void delete(String sid) {
        redis.del(keys(sid));
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    /** The session's keys: one hash tag, so one slot. */
    static String[] keys(String sid) {
        String tag = "cb:{" + sid + "}:";
        return new String[]{tag + "meta", tag + "out", tag + "in"};
    }

    /** Count, then per entry: sequence number, kind (t text, b base64 binary), payload, topic ("" for none). */
    private static void addEntries(List<String> args, List<Entry> entries) {
        args.add(Integer.toString(entries.size()));
        for (Entry e : entries) {
            Message m = e.message();
            args.add(Long.toString(e.seq()));
            args.add(m.isBinary() ? "b" : "t");
            args.add(m.isBinary() ? Base64.getEncoder().encodeToString(m.bytes()) : m.text());
            args.add(m.topic() == null ? "" : m.topic());
        }
    }
}
