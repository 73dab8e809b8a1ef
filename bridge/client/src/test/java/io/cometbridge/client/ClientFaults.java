package io.cometbridge.client;

/** Faults tests inject into a real client (shared through the client's test-jar): not part of its API. */
public final class ClientFaults {
    private ClientFaults() {
    }

    /** The current connection dies abruptly: no close frame, a held poll aborted. */
    public static void killTransport(BridgeClient client) {
        client.session().killTransport();
    }

    /** The next non-empty poll response is lost after the server wrote it. */
    public static void dropNextPollResponse(BridgeClient client) {
        client.session().dropNextPollResponse();
    }
}
