package io.cometbridge.samples.bench.peer;

import java.util.ArrayList;
import java.util.List;

/**
 * The server processes of one run: one server, or the nodes of one bridge and the redis-server
 * they share (null when there is none, or when it is not the benchmark's own: its CPU is then not
 * read). The load generator spreads its clients over {@link #ports()}.
 */
public final class Deployment implements AutoCloseable {
    private final List<ServerProcess> nodes;
    private final RedisServer redis;

    public Deployment(List<ServerProcess> nodes, RedisServer redis) {
        this.nodes = List.copyOf(nodes);
        this.redis = redis;
    }

    public List<Integer> ports() {
        return nodes.stream().map(ServerProcess::port).toList();
    }

    /** The first node: the one the control API (broadcasts, GC) is asked on. */
    public int controlPort() {
        return nodes.get(0).port();
    }

    public long[] nodePids() {
        return nodes.stream().mapToLong(ServerProcess::pid).toArray();
    }

    public int nodeCount() {
        return nodes.size();
    }

    /** The benchmark's own redis-server's pid, or -1. */
    public long redisPid() {
        return redis == null ? -1 : redis.pid();
    }

    /** Whether every node still runs. */
    public boolean isAlive() {
        return nodes.stream().allMatch(ServerProcess::isAlive);
    }

    public String logs() {
        return String.join(", ", nodes.stream().map(n -> n.log().toString()).toList());
    }

    @Override
    public void close() throws InterruptedException {
        List<ServerProcess> reversed = new ArrayList<>(nodes);
        java.util.Collections.reverse(reversed);
        for (ServerProcess n : reversed) n.close();
        if (redis != null) redis.close();
    }
}
