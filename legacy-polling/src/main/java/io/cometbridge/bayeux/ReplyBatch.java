package io.cometbridge.bayeux;

import com.google.gson.JsonObject;

/**
 * The answers to one batch of Bayeux messages, in message order, written together once each has
 * its answer (some come later: a handshake waits for the session, a publish for the application,
 * a connect for messages or its timeout). Filled from any thread.
 */
final class ReplyBatch {
    private final Conduit conduit;
    private final String[] slots;
    private final boolean[] processed;
    private int missing;
    private int unprocessed;
    private Runnable whenProcessed;

    ReplyBatch(Conduit conduit, int size) {
        this.conduit = conduit;
        this.slots = new String[size];
        this.processed = new boolean[size];
        this.missing = size;
        this.unprocessed = size;
    }

    Conduit conduit() {
        return conduit;
    }

    /**
     * Runs once every message was processed: answered, or (a connect) held. A WebSocket reads its
     * next batch only then, so a client cannot queue unbounded work on the server.
     */
    void whenProcessed(Runnable r) {
        boolean now;
        synchronized (this) {
            now = unprocessed == 0;
            if (!now) whenProcessed = r;
        }
        if (now) r.run();
    }

    void fill(int slot, JsonObject reply) {
        fill(slot, reply.toString());
    }

    /** {@code json}: one message object, or several joined by commas (a connect's deliveries and its reply). */
    void fill(int slot, String json) {
        String out = null;
        Runnable processedNow;
        synchronized (this) {
            if (slots[slot] != null) return; // answered once
            slots[slot] = json;
            processedNow = markProcessed(slot);
            if (--missing == 0) out = "[" + String.join(",", slots) + "]";
        }
        if (processedNow != null) processedNow.run();
        if (out != null) conduit.write(out);
    }

    /** A connect is held: processed, its answer comes later. */
    void held(int slot) {
        Runnable r;
        synchronized (this) {
            r = markProcessed(slot);
        }
        if (r != null) r.run();
    }

    private Runnable markProcessed(int slot) {
        if (processed[slot]) return null;
        processed[slot] = true;
        if (--unprocessed > 0 || whenProcessed == null) return null;
        Runnable r = whenProcessed;
        whenProcessed = null;
        return r;
    }
}
