package io.cometbridge.samples.bench;

import com.google.gson.JsonObject;
import io.cometbridge.api.TransportKind;

/** The server's counters for one transport at one instant (from {@code /stats}). */
record Snapshot(long nanos, long cpuNanos, long messagesIn, long messagesOut, long wireIn, long wireOut,
                long httpRequests, long framesIn, long framesOut, long liveSessions, long heapUsed, long rss) {

    static Snapshot of(JsonObject stats, TransportKind kind) {
        JsonObject t = stats.getAsJsonObject("transports").getAsJsonObject(kind.wireName());
        JsonObject p = stats.getAsJsonObject("process");
        return new Snapshot(System.nanoTime(), p.get("cpuNanos").getAsLong(),
                t.get("messagesIn").getAsLong(), t.get("messagesOut").getAsLong(),
                t.get("wireBytesIn").getAsLong(), t.get("wireBytesOut").getAsLong(),
                t.get("httpRequests").getAsLong(), t.get("framesIn").getAsLong(), t.get("framesOut").getAsLong(),
                t.get("sessions").getAsLong(), p.get("heapUsedBytes").getAsLong(), p.get("rssBytes").getAsLong());
    }

    double seconds(Snapshot later) {
        return (later.nanos - nanos) / 1e9;
    }
}
