package io.cometbridge.bayeux;

import com.google.gson.JsonObject;

/**
 * The {@code timesync} extension's server side: a meta message's {@code ext.timesync} ({@code tc}
 * client time, {@code l} lag, {@code o} offset) is answered with {@code tc}, {@code ts} (server
 * time on arrival), {@code p} (time the server held it) and {@code a} (the client's accuracy).
 */
final class Timesync {
    private final long tc;
    private final Long lag;
    private final long offset;
    private final long ts;

    private Timesync(long tc, Long lag, long offset, long ts) {
        this.tc = tc;
        this.lag = lag;
        this.offset = offset;
        this.ts = ts;
    }

    /** The request's timesync sample, or null when it has none. */
    static Timesync of(JsonObject request) {
        JsonObject sync = BayeuxJson.object(BayeuxJson.object(request, "ext"), "timesync");
        if (sync == null) return null;
        long tc = BayeuxJson.number(sync, "tc", Long.MIN_VALUE);
        if (tc == Long.MIN_VALUE) return null;
        long l = BayeuxJson.number(sync, "l", Long.MIN_VALUE);
        return new Timesync(tc, l == Long.MIN_VALUE ? null : l, BayeuxJson.number(sync, "o", 0), System.currentTimeMillis());
    }

    JsonObject reply() {
        JsonObject o = new JsonObject();
        o.addProperty("tc", tc);
        o.addProperty("ts", ts);
        o.addProperty("p", System.currentTimeMillis() - ts);
        if (lag != null) o.addProperty("a", tc + offset + lag - ts);
        return o;
    }
}
