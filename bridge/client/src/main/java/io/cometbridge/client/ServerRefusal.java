package io.cometbridge.client;

import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.ErrorCode.ClientAction;

/**
 * The server, or something in front of it, answered with an error: a documented one
 * ({@link #code()} set, from the JSON body or an error frame) or a bare HTTP status (a proxy's
 * page, a wrong URL). {@link #action} says what the client does about it, as the code table says
 * (docs/PROTOCOL.md section 5).
 */
final class ServerRefusal extends RuntimeException {
    private final int status;
    private final ErrorCode code;

    ServerRefusal(int status, ErrorCode code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    /** The HTTP status (0 for an error frame on a WebSocket). */
    int status() {
        return status;
    }

    /** The documented error, or null when the answer was not the bridge's. */
    ErrorCode code() {
        return code;
    }

    /**
     * What to do. A bare status is transient when it is one that proxies and overloaded servers
     * give (408, 425, 429, 5xx); any other 4xx means the URL or the setup is wrong before a session
     * ever opened, and is retried like a transient fault once one has (a proxy's blip must not end
     * a working session).
     */
    ClientAction action(boolean sessionEverOpened) {
        if (code != null) return code.clientAction();
        if (status == 0) return ClientAction.RETRY; // an error frame this version does not know
        boolean transientStatus = status == 408 || status == 425 || status == 429 || status >= 500;
        return transientStatus || sessionEverOpened ? ClientAction.RETRY : ClientAction.GIVE_UP;
    }

    /** The WebSocket-style close code a client reports when it gives up for this reason. */
    int closeCode() {
        return code != null && code.closeCode() != 0 ? code.closeCode() : 4000 + Math.min(999, Math.max(0, status));
    }

    @Override
    public String toString() {
        return (code != null ? code.wireName() : "HTTP " + status) + ": " + getMessage();
    }
}
