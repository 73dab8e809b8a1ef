package io.cometbridge.samples.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;
import org.eclipse.jetty.io.EofException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;

import static org.assertj.core.api.Assertions.assertThat;

/** A client that went away is no warning; anything else still is. */
class ClientWentAwayFilterTest {
    private final Logger logger = new LoggerContext().getLogger("org.eclipse.jetty.server.internal.HttpChannelState");
    private final ClientWentAwayFilter filter = new ClientWentAwayFilter();

    private FilterReply decide(Level level, Throwable t) {
        return filter.decide(new LoggingEvent(Logger.FQCN, logger, level, "failure", t, null));
    }

    @Test
    void peerGoneIsKeptOutOfWarnAndInfo() {
        assertThat(decide(Level.WARN, new EofException("reset"))).isEqualTo(FilterReply.DENY);
        assertThat(decide(Level.INFO, new UncheckedIOException(new IOException("Broken pipe")))).isEqualTo(FilterReply.DENY);
        assertThat(decide(Level.WARN, new IOException("Connection reset by peer"))).isEqualTo(FilterReply.DENY);
    }

    @Test
    void otherProblemsAndDebugPassThrough() {
        assertThat(decide(Level.WARN, new IllegalStateException("a real bug"))).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide(Level.WARN, null)).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide(Level.DEBUG, new EofException("reset"))).as("still visible at DEBUG").isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide(Level.ERROR, new EofException("reset"))).isEqualTo(FilterReply.NEUTRAL);
    }
}
