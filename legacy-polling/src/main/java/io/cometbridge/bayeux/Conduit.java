package io.cometbridge.bayeux;

/** Where the answers to one batch go: an HTTP response (written once) or a WebSocket (one text message per batch). */
interface Conduit {
    /** Writes a JSON array of Bayeux messages. */
    void write(String jsonArray);

    /** Runs if the other end goes away before the answer (an HTTP client that left); never for a WebSocket. */
    void onAbandoned(Runnable r);
}
