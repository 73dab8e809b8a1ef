package io.cometbridge.client;

import io.cometbridge.api.TransportKind;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a session that fell back to polling up to WebSocket again, as the browser client does:
 * now and then ({@link ProbeSchedule}) the session attaches over a WebSocket in the background
 * while polling carries on; the server's open frame on it is the probe's answer, and the move is
 * the channel's resume (nothing lost, nothing twice). A probe that fails leaves the session on
 * polling. What it learns goes to the {@link TransportMemory}. Confined to the client's executor.
 */
final class WebSocketProbes {
    private static final Logger LOG = LoggerFactory.getLogger(BridgeClient.class);

    private final ProbeSchedule schedule;
    private final TransportMemory memory;
    private final ClientEvents events;
    private final boolean enabled;
    private final BiConsumer<Long, Runnable> later;
    private final Runnable probeDue;
    private ClientTransport probe;      // the WebSocket attach a probe started, until it answers
    private boolean scheduled;
    private boolean webSocketFailed;    // a WebSocket attach failed since one last carried the session
    private TransportKind lastCarrier;  // the kind that last carried the session
    private final WebSocketDemotion demotion;
    private final long demoteForMillis;

    /**
     * @param later runs a task on the client's executor after a delay (ms)
     * @param probeDue starts a probe if the session is still on polling, then calls {@link #started}
     */
    WebSocketProbes(ProbeSettings settings, List<TransportKind> order, TransportMemory memory, ClientEvents events,
            BiConsumer<Long, Runnable> later, Runnable probeDue) {
        this.schedule = new ProbeSchedule(settings.firstDelay().toMillis(), settings.maxDelay().toMillis(), settings.maxProbes());
        this.memory = memory;
        this.events = events;
        this.enabled = order.contains(TransportKind.WEBSOCKET) && order.contains(TransportKind.POLLING);
        this.later = later;
        this.probeDue = probeDue;
        this.demoteForMillis = settings.demoteFor().toMillis();
        this.demotion = new WebSocketDemotion(demoteForMillis);
    }

    /** The attach a due probe started (null if none could start). */
    void started(ClientTransport attach) {
        probe = attach;
        if (attach == null) scheduleNext();
    }

    /** An attach failed before its open frame; true if it was a probe (the session stays where it is). */
    boolean attachFailed(ClientTransport attach) {
        if (attach.kind() == TransportKind.WEBSOCKET) webSocketFailed = true;
        if (attach != probe) return false;
        probe = null;
        schedule.failed();
        memory.webSocketFailed(); // still failing: the memory lasts longer
        LOG.debug("websocket probe " + schedule.failures() + " failed; staying on polling");
        scheduleNext();
        return true;
    }

    /**
     * {@code attach} now carries the session; {@code explicit}: the application asked for it
     * ({@link BridgeClient#switchTo}), and stays there. From polling to WebSocket by itself (a probe,
     * or a re-attach after polling failed while a probe was under way) is an upgrade.
     */
    void attached(ClientTransport attach, boolean explicit) {
        boolean upgrade = attach.kind() == TransportKind.WEBSOCKET && lastCarrier == TransportKind.POLLING && !explicit;
        lastCarrier = attach.kind();
        probe = null;
        if (attach.kind() == TransportKind.WEBSOCKET) {
            demotion.attached(System.nanoTime());
            webSocketFailed = false;
            schedule.reset();
            memory.webSocketWorks();
            if (upgrade) events.upgraded(TransportKind.POLLING);
        } else if (!explicit) {
            if (webSocketFailed) memory.webSocketFailed(); // polling works, so the network is not simply down
            scheduleNext();
        }
    }

    /**
     * The transport carrying the session was lost ({@code excused}: by an idle cut the client
     * learned). Returns true when that demotes WebSocket ({@link WebSocketDemotion}): the session
     * re-attaches over polling, and probes wait for the demotion to end.
     */
    boolean carrierLost(ClientTransport from, boolean excused) {
        if (!enabled || from.kind() != TransportKind.WEBSOCKET || !demotion.lost(System.nanoTime(), excused)) return false;
        String why = "websocket_useless: WebSockets opened and were lost within " + WebSocketDemotion.USEFUL_MILLIS / 1000
                + " s again and again; polling for " + demoteForMillis / 1000 + " s";
        LOG.debug(why);
        memory.webSocketFailed(); // so that the next client starts on polling too
        events.demoted(why, demoteForMillis);
        return true;
    }

    private void scheduleNext() {
        if (!enabled || scheduled) return;
        long delay = schedule.nextDelayMillis(ThreadLocalRandom.current().nextDouble());
        if (delay >= 0) delay = Math.max(delay, demotion.remainingMillis(System.nanoTime())); // a demoted WebSocket waits it out
        if (delay < 0) {
            LOG.debug("no more websocket probes after " + schedule.failures() + " failures in a row: staying on polling");
            return;
        }
        scheduled = true;
        later.accept(delay, () -> {
            scheduled = false;
            probeDue.run();
        });
    }
}
