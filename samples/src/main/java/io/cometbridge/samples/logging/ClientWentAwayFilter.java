package io.cometbridge.samples.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

import java.util.Locale;
import java.util.Set;

/**
 * Keeps "the client went away" out of INFO and WARN: a browser tab closed mid-response, a phone
 * that lost its network, a proxy that cut an idle connection. Each is normal for a real-time server
 * (the session's grace period handles it) and would otherwise bury real warnings. Such events still
 * show at DEBUG (set the logger of the class that logs them to DEBUG).
 */
public final class ClientWentAwayFilter extends Filter<ILoggingEvent> {
    private static final Set<String> GONE_TYPES = Set.of(
            "org.eclipse.jetty.io.EofException",
            "java.nio.channels.ClosedChannelException",
            "java.nio.channels.AsynchronousCloseException",
            "org.eclipse.jetty.websocket.api.exceptions.WebSocketTimeoutException",
            "org.eclipse.jetty.websocket.core.exception.WebSocketTimeoutException");
    private static final String[] GONE_MESSAGES = {"broken pipe", "connection reset", "connection abort", "closed by peer"};

    @Override
    public FilterReply decide(ILoggingEvent event) {
        if (event.getLevel().isGreaterOrEqual(Level.INFO) && !event.getLevel().isGreaterOrEqual(Level.ERROR)
                && clientWentAway(event.getThrowableProxy())) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }

    /** True if the exception, or one of its causes, says only that the peer is gone. */
    static boolean clientWentAway(IThrowableProxy t) {
        for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause()) {
            if (GONE_TYPES.contains(t.getClassName())) return true;
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            for (String gone : GONE_MESSAGES) {
                if (message.contains(gone)) return true;
            }
        }
        return false;
    }
}
