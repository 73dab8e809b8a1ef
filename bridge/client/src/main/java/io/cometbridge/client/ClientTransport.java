package io.cometbridge.client;

import io.cometbridge.api.TransportKind;
import io.cometbridge.channel.Framing;
import io.cometbridge.protocol.Frame;

import java.util.List;

/**
 * The client's side of a transport. Calls come from the client's serial executor; a transport
 * reports frames and failures back through {@link Owner} (which re-serializes them).
 */
interface ClientTransport {

    TransportKind kind();

    /** How frames travel, which decides how the client's channel acknowledges on it. */
    Framing framing();

    /** Connects and sends the attach frame; the open frame (or an error) comes back via the owner. */
    void start(Frame.Attach attach);

    /** Whether {@link #send} may be called now (polling: no send request in flight). */
    boolean canSend();

    /** Sends frames in order. WebSocket sends each as its own message; polling posts them as one batch. */
    void send(List<Frame> frames);

    /** Ends the transport politely (the session lives on elsewhere or is closed). */
    void stop();

    /** Test hook: ends the connection abruptly, as a network failure would. */
    void kill();

    /** What a transport tells its client. */
    interface Owner {
        /**
         * Frames from the server. {@code thenRun} (may be null) runs on the client's executor after
         * it has processed them: the poll loop asks for more only then, so its ack is never stale.
         */
        void onFrames(ClientTransport from, List<Frame> frames, Runnable thenRun);

        /** The connection failed or ended without the session closing. */
        void onTransportFailed(ClientTransport from, Throwable cause);

        /** A held poll was cut after {@code heldMillis}, before the server or the client ended it (before any failure report). */
        void onIdleCut(ClientTransport from, long heldMillis);

        /** The server (or a proxy) answered with an error: a documented one, or a bare HTTP status. */
        void onRefused(ClientTransport from, ServerRefusal refusal);

        /** A polling send finished: more may be sent. */
        void onSendComplete(ClientTransport from);

        /** A polling send failed at the network level: what it carried must be sent again. */
        void onSendFailed(ClientTransport from);

        /**
         * Runs {@code request} on the client's executor with the acknowledgement a polling receive
         * carries (everything processed so far counts as acknowledged from then on).
         */
        void withAck(java.util.function.LongConsumer request);
    }
}
