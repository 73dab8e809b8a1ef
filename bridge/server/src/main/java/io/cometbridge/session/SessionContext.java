package io.cometbridge.session;

import io.cometbridge.api.BridgeHandler;
import io.cometbridge.util.Scheduler;

import java.util.concurrent.Executor;

/** What every session shares: configuration, the application, rooms, timers and threads. */
interface SessionContext {
    BridgeConfig config();

    BridgeHandler handler();

    RoomRegistry rooms();

    /** The clock and timers. */
    Scheduler scheduler();

    /** Every session's heartbeat, at the configured interval. */
    Heartbeats heartbeats();

    /**
     * Microseconds since the bridge started, for a nano time of its clock: the timestamp of a ping,
     * which must stay below 2^53 (exact in every JSON implementation) for centuries.
     */
    long micros(long nanoTime);

    /** The settings every open frame tells clients. */
    io.cometbridge.protocol.Frame.Settings clientSettings();

    /** The acknowledgement policy and limits every session's channel follows (one object for all). */
    io.cometbridge.channel.ChannelPolicy channelPolicy();

    Executor workers();

    /** Server-wide counters per transport that every session's statistics add to. */
    TransportTotals totals();

    /** A short non-secret label for a new session's statistics and logs (never derived from its id). */
    String nextStatsLabel();

    /** Where sessions are stored beyond this node ({@link SessionLog#IN_MEMORY}: nowhere). */
    SessionLog log();

    /** The session reached CLOSED: forget it. */
    void sessionEnded(Session session);
}
