package io.cometbridge.transport;

import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.Frame;
import io.cometbridge.util.Scheduler;

import java.util.List;
import java.util.function.Consumer;

/**
 * What a transport tells the session it carries (implemented by the session). Calls may come on
 * any thread; the session runs them on its serial executor, in call order.
 */
public interface TransportListener {

    /** The session's answer to frames a transport delivered. */
    interface Reply {
        /**
         * @param reply frames to answer the request with (a batch transport's acknowledgement;
         *              empty for a stream transport), or null when {@code error} is set
         * @param error the documented error that stopped processing (frames before it took effect), or null
         */
        void done(List<Frame> reply, BridgeException error);
    }

    /** Frames from the client, in order; {@code done} runs on the session's executor once they are processed. */
    void received(Transport from, List<Frame> frames, Reply done);

    /**
     * A batch transport now holds a receive request, and the client has processed every message up
     * to {@code ack}: what was sent after it is lost and goes again. {@code rejected} hears why the
     * session cannot take the request (a bad ack), on the session's executor.
     */
    void pulled(Transport from, long ack, Consumer<BridgeException> rejected);

    /** The transport's connection ended by itself (socket closed, network error). */
    void closed(Transport from);

    /** The transport can take frames again after backpressure. */
    void writable(Transport from);

    /** Runs a task on the session's executor, where the transport's own state is touched too. */
    void execute(Runnable task);

    /**
     * Runs {@code task} on the session's executor once {@code delayNanos} have passed (a held
     * request's timeout), unless cancelled first. The timer thread only hands it over: it is
     * shared by every session and never runs one's work, which would make every other timer
     * wait behind it (a burst of held polls timing out together, say).
     */
    Scheduler.Timer schedule(long delayNanos, Runnable task);

    /** Where this session's bytes on the wire are counted. */
    WireTally wireTally();
}
