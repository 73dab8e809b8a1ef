package io.cometbridge.session;

import io.cometbridge.protocol.Frame;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** Fallbacks are counted once per WebSocket attempt, under the reason the server saw, whichever came first. */
class UpgradeNoticesTest {
    private final LabelledCounts fallbacks = new LabelledCounts(32);
    private final Session session = mock(Session.class);
    private final UpgradeNotices notices = new UpgradeNotices(16, Duration.ofMinutes(1), id -> session, fallbacks);

    UpgradeNoticesTest() {
        when(session.id()).thenReturn("sid");
    }

    @Test
    void theDiagnosisBeforeTheAttachCountsUnderItsCode() {
        notices.damaged("nonce-0001", "upgrade_stripped: the WebSocket handshake reached the server without its Upgrade header");
        notices.attached("nonce-0001", session);
        notices.attached("nonce-0001", session); // a second polling attach of the same attempt: still one fallback
        assertThat(fallbacks.snapshot()).isEqualTo(Map.of("upgrade_stripped", 1L));
        verify(session, atLeastOnce()).sendControl(any(Frame.Notice.class)); // the client is told why
    }

    @Test
    void anAttachTheServerCannotExplainCountsAsUnexplainedUntilTheReasonArrives() {
        notices.attached("nonce-0002", session);
        assertThat(fallbacks.snapshot()).isEqualTo(Map.of(UpgradeNotices.UNEXPLAINED, 1L));
        notices.damaged("nonce-0002", "connection_stripped: the handshake kept Upgrade: websocket but lost upgrade");
        assertThat(fallbacks.snapshot()).isEqualTo(Map.of(UpgradeNotices.UNEXPLAINED, 0L, "connection_stripped", 1L));
    }

    @Test
    void labelsBeyondTheBoundCountAsOther() {
        LabelledCounts two = new LabelledCounts(2);
        two.increment("a");
        two.increment("b");
        two.increment("c");
        two.increment("a");
        assertThat(two.snapshot()).isEqualTo(Map.of("a", 2L, "b", 1L, LabelledCounts.OTHER, 1L));
    }
}
