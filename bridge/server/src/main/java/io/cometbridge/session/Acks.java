package io.cometbridge.session;

import io.cometbridge.channel.Channel;
import io.cometbridge.channel.Framing;
import io.cometbridge.protocol.Frame;
import io.cometbridge.transport.Transport;
import io.cometbridge.util.Scheduler;

import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * When a session's acknowledgements go out other than in the answer to a polling batch
 * (docs/PROTOCOL.md section 2, rule 3). On a stream transport an owed acknowledgement is decided
 * after the tasks queued behind the work that made it owed (the application's replies, which
 * usually carry it piggybacked), with a timer armed only when it is still owed then. Runs on the
 * session's executor.
 */
final class Acks {
    private final Executor executor;
    private final SessionTimers timers;
    private final Channel<?> channel;
    private final Scheduler clock;
    private final BooleanSupplier onStream; // attached over a stream transport now
    private final Runnable flush;

    Acks(Executor executor, SessionTimers timers, Channel<?> channel, Scheduler clock, BooleanSupplier onStream, Runnable flush) {
        this.executor = executor;
        this.timers = timers;
        this.channel = channel;
        this.clock = clock;
        this.onStream = onStream;
        this.flush = flush;
    }

    /** An acknowledgement is owed on a stream transport. */
    void owed() {
        if (timers.ackCheckPending()) return;
        timers.ackCheckQueued();
        executor.execute(this::check);
    }

    /**
     * Messages were delivered outside any client batch (released after a pause): the client on
     * {@code t} (none: it hears on its next attach) hears it as usual on a stream, or from the next
     * poll on a batch transport.
     */
    void delivered(Transport t) {
        if (t == null || !channel.ackOwed()) return;
        if (t.framing() == Framing.STREAM) {
            owed();
        } else {
            channel.queue(new Frame.Ack(channel.takeAck()));
            flush.run();
        }
    }

    private void check() {
        timers.ackCheckDone();
        if (!onStream.getAsBoolean() || !channel.ackOwed()) return;
        long now = clock.nanoTime();
        channel.tick(now);
        flush.run(); // the acknowledgement rides on the first data frame that goes out, or alone if tick queued it
        long due = channel.ackDue(); // read after the flush: a reply that carried it leaves nothing to time
        if (due != Long.MAX_VALUE) timers.armAck(due - now, this::check);
    }
}
