package io.cometbridge.server;

import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.Frame;
import io.cometbridge.transport.Transport;
import io.cometbridge.transport.TransportListener;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.function.Consumer;

/**
 * A WebSocket's acknowledgement frames on their way to the session, one at a time.
 *
 * <p>A data frame is read only after the session has processed the one before it (that bounds
 * what a client can queue on the server). An acknowledgement needs no such wait: it is
 * cumulative, a few bytes, and never held back while the application pauses receiving. So the
 * socket reads on at once. Waiting cost a thread hand-off per acknowledgement whenever the session
 * was busy: the session's thread resumed the socket's reading, which Jetty then ran on another
 * thread. In a large broadcast the session is busy most of the time.
 *
 * <p>The bound moves here: an acknowledgement read while an earlier one is still with the
 * session is merged into it (the highest wins), so a session has at most one of them queued
 * however fast a client sends them. Merged ones count as one frame in the session's statistics.
 */
final class AckHandOff {
    private static final long NONE = Long.MIN_VALUE;
    private static final VarHandle LATEST;
    private static final VarHandle HANDING;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            LATEST = lookup.findVarHandle(AckHandOff.class, "latest", long.class);
            HANDING = lookup.findVarHandle(AckHandOff.class, "handing", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Transport from;
    private final Consumer<BridgeException> failed;
    // Fields with VarHandles rather than atomic objects: every WebSocket has one of these.
    private volatile long latest = NONE; // read and not yet handed over
    private volatile boolean handing;    // one is with the session

    /** {@code failed}: hears the documented error the session found in an acknowledgement (it ends the socket). */
    AckHandOff(Transport from, Consumer<BridgeException> failed) {
        this.from = from;
        this.failed = failed;
    }

    /** An acknowledgement frame read from the socket; any thread. */
    void read(long ack, TransportListener session) {
        long seen;
        do {
            seen = latest;
        } while (ack > seen && !LATEST.compareAndSet(this, seen, ack)); // the higher of two racing readers stays
        if (HANDING.compareAndSet(this, false, true)) handOver(session);
    }

    private void handOver(TransportListener session) {
        long ack = (long) LATEST.getAndSet(this, NONE);
        if (ack == NONE) { // a racing reader's lower one: the higher went with the hand-over before
            handedOver(session);
            return;
        }
        session.received(from, List.of(new Frame.Ack(ack)), (reply, error) -> {
            if (error != null) {
                failed.accept(error); // the socket ends: nothing more is handed over
                return;
            }
            handedOver(session);
        });
    }

    /** The session is done with one: hand over what was read meanwhile, unless its reader does. */
    private void handedOver(TransportListener session) {
        handing = false;
        if (latest != NONE && HANDING.compareAndSet(this, false, true)) handOver(session);
    }
}
