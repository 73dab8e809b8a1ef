package io.cometbridge.session;

import io.cometbridge.api.BridgeHandler;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/** What every session shares: configuration, the application, rooms, timers and threads. */
interface SessionContext {
    BridgeConfig config();

    BridgeHandler handler();

    RoomRegistry rooms();

    ScheduledExecutorService scheduler();

    Executor workers();

    /** Server-wide counters per transport that every session's statistics add to. */
    TransportTotals totals();

    /** A short non-secret label for a new session's statistics (never derived from its id). */
    String nextStatsLabel();

    /** The session closed; if a close frame still waits for a poll, keep it findable for a while. */
    void sessionClosed(Session session, boolean closeFramePending);

    /** The lingering closed session delivered its close frame: forget it now. */
    void sessionGone(Session session);
}
