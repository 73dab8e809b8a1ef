package io.cometbridge.samples.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One system on one transport: what a single benchmark run is aimed at. */
public record Target(Sys system, String transport) {

    /** The systems compared. */
    public enum Sys {
        BRIDGE("bridge", "Comet Bridge"),
        SOCKETIO("socketio", "Socket.IO 4.8"),
        COMETD("cometd", "CometD 8"),
        /** The bridge as one node keeping its sessions in Redis (the scale-out comparison). */
        BRIDGE_REDIS("bridge-redis", "Comet Bridge, 1 node on Redis"),
        /** The bridge as two nodes on one Redis, clients spread over both (the scale-out comparison). */
        BRIDGE_TWO_NODES("bridge-2nodes", "Comet Bridge, 2 nodes on Redis");

        /** The systems of the comparison with the peers, in the table's column order. */
        public static final List<Sys> PEERS = List.of(BRIDGE, SOCKETIO, COMETD);
        /** The bridge's deployments of the scale-out comparison, single node in memory first (the baseline). */
        public static final List<Sys> SCALE_OUT = List.of(BRIDGE, BRIDGE_REDIS, BRIDGE_TWO_NODES);

        public final String id;
        public final String title;

        Sys(String id, String title) {
            this.id = id;
            this.title = title;
        }

        public static Sys of(String id) {
            for (Sys s : values()) if (s.id.equals(id.trim().toLowerCase(Locale.ROOT).replace(".", ""))) return s;
            throw new IllegalArgumentException("unknown system " + id + " (bridge, socketio, cometd, bridge-redis, bridge-2nodes)");
        }

        /** Nodes this system runs on. */
        public int nodes() {
            return this == BRIDGE_TWO_NODES ? 2 : 1;
        }

        /** Whether it keeps sessions in Redis (and the run starts a redis-server for it). */
        public boolean onRedis() {
            return this == BRIDGE_REDIS || this == BRIDGE_TWO_NODES;
        }
    }

    public static final String WEBSOCKET = "websocket";
    public static final String POLLING = "polling";
    /** Long-polling over HTTP/2 (h2c by prior knowledge, one connection per session): the bridge and CometD; the Socket.IO peer is not set up for it. */
    public static final String POLLING_H2 = "polling-h2";
    /** The transports of a default run. */
    public static final List<String> TRANSPORTS = List.of(WEBSOCKET, POLLING);
    /** Every transport a run may name. */
    public static final List<String> ALL_TRANSPORTS = List.of(WEBSOCKET, POLLING, POLLING_H2);

    public Target {
        if (!ALL_TRANSPORTS.contains(transport)) throw new IllegalArgumentException("unknown transport " + transport + " (websocket, polling, polling-h2)");
    }

    /** e.g. {@code bridge/websocket}, {@code cometd/polling} */
    public String id() {
        return system.id + "/" + transport;
    }

    /** The transport's name in the system's own terms (CometD calls polling "long-polling"). */
    public String transportTitle() {
        return system == Sys.COMETD && transport.equals(POLLING) ? "long-polling" : transport;
    }

    @Override
    public String toString() {
        return id();
    }

    /** Every system on every transport, except Socket.IO on polling-h2 (not measured: docs/BENCHMARK.md). */
    public static List<Target> all(List<Sys> systems, List<String> transports) {
        List<Target> out = new ArrayList<>();
        for (Sys s : systems) {
            for (String t : transports) if (!t.equals(POLLING_H2) || s != Sys.SOCKETIO) out.add(new Target(s, t));
        }
        return out;
    }
}
