package io.cometbridge.session;

import io.cometbridge.api.AuthRequest;
import io.cometbridge.api.AuthResult;
import io.cometbridge.api.Authenticator;
import io.cometbridge.api.BridgeHandler;
import io.cometbridge.api.CloseReason;
import io.cometbridge.channel.ChannelPolicy;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.Frame;
import io.cometbridge.transport.Transport;
import io.cometbridge.util.Scheduler;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The session core as one object: the registry of sessions, their rooms, timers and threads.
 * Transports hand it attach frames; the application gets a {@link BridgeHandler} callback per
 * event and a {@link io.cometbridge.api.Rooms} for broadcast. Independent of any HTTP server.
 */
public final class Bridge implements SessionContext, AutoCloseable {
    private final BridgeConfig config;
    private final BridgeHandler handler;
    private final SessionStore store;
    private final SessionLog log;
    private final Takeovers takeovers;
    private final RoomRegistry rooms;
    private final Scheduler scheduler;
    private final long startNanos;
    private final Frame.Settings clientSettings;
    private final ChannelPolicy channelPolicy;
    private final Executor workers;
    private final boolean ownsWorkers;
    private final AtomicInteger opened = new AtomicInteger();
    private final AddressRateLimiter newSessions;
    private final TransportTotals totals = new TransportTotals();
    private final UpgradeNotices upgradeNotices = new UpgradeNotices(4096, Duration.ofMinutes(2), this::find, totals.fallbacksByReason());
    private volatile boolean draining; // shutdown has begun: no attach taken, not ready for new clients
    private final java.util.concurrent.atomic.AtomicLong statsLabels = new java.util.concurrent.atomic.AtomicLong();
    private final Set<String> attachHeaders;
    private final AuthCheck authenticator; // null: every attach is accepted as nobody in particular
    private final AttachDeadlines attachDeadlines;
    private final Heartbeats heartbeats;

    private Bridge(BridgeConfig config, BridgeHandler handler, SessionStore store, SessionLog log, Executor workers, Scheduler scheduler,
                   Authenticator authenticator) {
        this.config = config;
        this.authenticator = authenticator == null ? null : new AuthCheck(authenticator, config.attachTimeout());
        this.handler = handler;
        this.store = store;
        this.log = log;
        this.takeovers = new Takeovers(log, store, restored -> new Session(restored.sid(), this, restored.state()));
        this.attachHeaders = handler.attachHeaders().stream().map(h -> h.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        this.newSessions = new AddressRateLimiter(config.newSessionsPerSecond(), config.newSessionBurst());
        this.scheduler = scheduler != null ? scheduler : Scheduler.system("bridge-timer");
        this.startNanos = this.scheduler.nanoTime();
        this.clientSettings = config.clientSettings();
        this.channelPolicy = new ChannelPolicy(config.ackDelay(), config.ackEvery(), config.maxMessageBytes(),
                config.maxQueuedMessages(), config.maxQueuedBytes());
        this.ownsWorkers = workers == null;
        this.workers = workers != null ? workers
                : Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), daemonThreads("bridge-worker"));
        this.rooms = new RoomRegistry(this.workers);
        this.scheduler.every(TimeUnit.SECONDS.toNanos(1), this::reap);
        this.attachDeadlines = new AttachDeadlines(this.scheduler, config.attachTimeout().toNanos());
        this.scheduler.every(attachDeadlines.sweepPeriodNanos(), attachDeadlines::sweep);
        this.heartbeats = new Heartbeats(this.scheduler, config.heartbeatInterval().toNanos(), this.workers);
        this.scheduler.every(heartbeats.sweepPeriodNanos(), heartbeats::sweep);
    }

    public static Builder builder(BridgeHandler handler) {
        return new Builder(handler);
    }

    // ---------------------------------------------------------------- for transports

    /**
     * Attaches a transport to the session an attach frame names, or to a new session when it
     * names none. Errors (unknown session, server full, bad sequence) go to {@code onRejected}.
     */
    public void attach(Transport transport, Frame.Attach attach, Consumer<BridgeException> onRejected) {
        if (draining) { // its sessions are moving to other nodes: so does every client that comes now
            onRejected.accept(new BridgeException(ErrorCode.SERVER_FULL, "the server is draining: attach again"));
            return;
        }
        boolean resuming = attach.sid() != null;
        if (!resuming) {
            if (attach.last() != 0) {
                onRejected.accept(new BridgeException(ErrorCode.BAD_SEQUENCE, "a new session starts with last 0"));
                return;
            }
            if (!newSessions.tryAcquire(transport.remoteAddress())) { // before the hook: a flood never reaches it
                onRejected.accept(new BridgeException(ErrorCode.RATE_LIMITED, "too many new sessions from this address"));
                return;
            }
        }
        if (authenticator == null) {
            admit(transport, attach, null, onRejected);
            return;
        }
        AuthRequest request = transport.authRequest();
        if (request == null) request = new AuthRequest(transport.kind(), transport.remoteAddress(), Map.of(), Map.of(), List.of(), null, false);
        authenticator.check(request.withAttach(attach.auth(), resuming), identity -> admit(transport, attach, identity, onRejected), onRejected);
    }

    /** The attach, authenticated (identity null without an authenticator): to a new session, the one it names, or another node's. */
    private void admit(Transport transport, Frame.Attach attach, AuthResult identity, Consumer<BridgeException> onRejected) {
        Session session;
        if (attach.sid() == null) {
            if (store.size() >= config.maxSessions()) {
                onRejected.accept(new BridgeException(ErrorCode.SERVER_FULL, "the server has reached its session limit"));
                return;
            }
            session = new Session(SessionIds.next(), this, null);
            store.put(session);
            opened.incrementAndGet();
        } else {
            session = find(attach.sid());
            if (session == null && log.durable() && SessionIds.isWellFormed(attach.sid()) && attach.key() != null) { // another node's, maybe
                if (store.size() >= config.maxSessions()) {
                    onRejected.accept(new BridgeException(ErrorCode.SERVER_FULL, "the server has reached its session limit"));
                    return;
                }
                String principal = identity == null ? null : identity.principal().getName(); // checked before the session moves
                takeovers.takeOver(attach.sid(), attach.key(), principal, (taken, refused) -> {
                    if (refused != null) onRejected.accept(refused);
                    else attach(taken, transport, attach, identity, onRejected);
                });
                return;
            }
            if (session == null) {
                onRejected.accept(new BridgeException(ErrorCode.UNKNOWN_SESSION, "unknown or expired session"));
                return;
            }
        }
        attach(session, transport, attach, identity, onRejected);
    }

    private void attach(Session session, Transport transport, Frame.Attach attach, AuthResult identity, Consumer<BridgeException> onRejected) {
        if (attach.sid() != null && Cohorts.refuses(session.cohort(), transport)) { // a new session's is opened, then moved (Session#opened)
            onRejected.accept(new BridgeException(ErrorCode.POLLING_COHORT, "the session is in the polling cohort: attach over long-polling"));
            return;
        }
        session.attach(transport, attach.last(), attach.key(), identity, onRejected);
        if (attach.ws() != null) upgradeNotices.attached(attach.ws(), session); // queued behind the open frame
    }

    /** Where a connection that must attach within {@link BridgeConfig#attachTimeout()} waits for its deadline. */
    public AttachDeadlines attachDeadlines() {
        return attachDeadlines;
    }

    /** Whether attaches go through an authenticator (transports then keep what it sees of their request). */
    public boolean authenticates() {
        return authenticator != null;
    }

    /** Reasons for failed WebSocket attempts, told to the sessions that name them (PROTOCOL.md 3.1). */
    public UpgradeNotices upgradeNotices() {
        return upgradeNotices;
    }

    /** The request headers transports keep for the application (BridgeHandler#attachHeaders, lower-case). */
    public Set<String> attachHeaders() {
        return attachHeaders;
    }

    /** Whether sessions live beyond this node (a durable {@link SessionLog}): one this node lacks may be another's. */
    public boolean sharesSessions() {
        return log.durable();
    }

    /** The URL of the node holding a session this node does not ({@link SessionLog#ownerOf}); null: none. */
    public java.util.concurrent.CompletionStage<String> ownerOf(String sid) {
        return log.ownerOf(sid);
    }

    /** The live session with this id, or null. */
    public Session find(String id) {
        return SessionIds.isWellFormed(id) ? store.get(id) : null;
    }

    // ---------------------------------------------------------------- for the application

    @Override
    public RoomRegistry rooms() {
        return rooms;
    }

    public Collection<Session> sessions() {
        return store.all();
    }

    public int sessionCount() {
        return store.size();
    }

    /** Sessions opened since start (statistics). */
    public int sessionsOpened() {
        return opened.get();
    }

    public BridgeConfig config() {
        return config;
    }

    /**
     * Closes every session with 4003 (the clients are told) and waits up to {@code drain} for the
     * close frames to go out. Then stops the timers. With a durable log it drains instead
     * (docs/SCALE_OUT.md): no attach is taken any more, and every session, once stored, tells its
     * client to move (the {@code move} notice) and leaves this node, resumable on any other.
     */
    public void shutdown(Duration drain) {
        draining = true;
        boolean movesOn = log.durable();
        for (Session s : store.all()) {
            if (movesOn) s.release(); // the session lives on: its client moves to another node
            else s.close(CloseReason.SHUTDOWN);
        }
        long deadline = System.nanoTime() + drain.toNanos();
        while (System.nanoTime() < deadline && store.size() > 0) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
    }

    /** False once shutdown or close has begun: what a readiness probe reports (health endpoints). */
    public boolean isAccepting() {
        return !draining;
    }

    @Override
    public void close() {
        draining = true;
        scheduler.shutdown();
        if (ownsWorkers && workers instanceof java.util.concurrent.ExecutorService es) es.shutdown();
    }

    // ---------------------------------------------------------------- SessionContext

    @Override
    public BridgeHandler handler() {
        return handler;
    }

    @Override
    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public Heartbeats heartbeats() {
        return heartbeats;
    }

    @Override
    public long micros(long nanoTime) {
        return (nanoTime - startNanos) / 1000;
    }

    @Override
    public Frame.Settings clientSettings() {
        return clientSettings;
    }

    @Override
    public ChannelPolicy channelPolicy() {
        return channelPolicy;
    }

    @Override
    public Executor workers() {
        return workers;
    }

    /** Server-wide statistics per transport (closed sessions included). */
    @Override
    public TransportTotals totals() {
        return totals;
    }

    @Override
    public String nextStatsLabel() {
        return "s" + statsLabels.incrementAndGet();
    }

    @Override
    public SessionLog log() {
        return log;
    }

    /** The session's last act (its executor): forgotten, its counts kept in the totals. */
    @Override
    public void sessionEnded(Session session) {
        store.remove(session);
        session.stats().retire();
    }

    /** Forgets quiet rate-limit buckets. (Sessions end by their own timers: grace, CLOSING's bound.) */
    private void reap() {
        newSessions.forgetIdle();
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    public static final class Builder {
        private final BridgeHandler handler;
        private BridgeConfig config = BridgeConfig.defaults();
        private SessionStore store = new InMemorySessionStore();
        private SessionLog log = SessionLog.IN_MEMORY;
        private Executor workers;
        private Scheduler scheduler;
        private Authenticator authenticator;

        private Builder(BridgeHandler handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
        }

        public Builder config(BridgeConfig config) {
            this.config = config;
            return this;
        }

        public Builder store(SessionStore store) {
            this.store = store;
            return this;
        }

        /** Where sessions are kept beyond this node, so that others can take them over (default: nowhere). */
        public Builder log(SessionLog log) {
            this.log = log;
            return this;
        }

        /** Threads that run session work (default: a fixed pool sized to the cores). */
        public Builder workers(Executor workers) {
            this.workers = workers;
            return this;
        }

        /** The clock and timers (default: the system clock and one timer thread); tests drive a manual one. */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        /**
         * The hook every attach goes through (new sessions and resumes, every transport); default
         * none: every attach is accepted and sessions have no principal.
         */
        public Builder authenticator(Authenticator authenticator) {
            this.authenticator = authenticator;
            return this;
        }

        public Bridge build() {
            return new Bridge(config, handler, store, log, workers, scheduler, authenticator);
        }
    }
}
