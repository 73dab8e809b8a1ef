package io.cometbridge.client;

import io.cometbridge.api.TransportKind;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** When a client on polling probes WebSocket again, and what it remembers of a failed WebSocket. */
class ProbeScheduleTest {
    private static final double NO_JITTER = 0.5; // 0.75 + 0.5 * 0.5 = exactly the base delay

    @Test
    void probesDoubleUpToTheLongestWait_thenStopAfterSoManyFailures_untilReset() {
        ProbeSchedule s = new ProbeSchedule(2000, 10_000, 4);
        assertThat(s.nextDelayMillis(NO_JITTER)).isEqualTo(2000);
        s.failed();
        assertThat(s.nextDelayMillis(NO_JITTER)).isEqualTo(4000);
        s.failed();
        assertThat(s.nextDelayMillis(NO_JITTER)).isEqualTo(8000);
        s.failed();
        assertThat(s.nextDelayMillis(NO_JITTER)).isEqualTo(10_000);
        assertThat(s.nextDelayMillis(0)).isEqualTo(7500);
        assertThat(s.nextDelayMillis(0.999)).isBetween(12_480L, 12_500L);
        s.failed();
        assertThat(s.nextDelayMillis(NO_JITTER)).isEqualTo(-1);
        s.reset();
        assertThat(s.nextDelayMillis(NO_JITTER)).isEqualTo(2000);
    }

    @Test
    void aRememberedWebSocketFailurePutsPollingFirst_untilAWebSocketWorks() {
        ClientMemory memory = ClientMemory.inMemory();
        List<TransportKind> configured = List.of(TransportKind.WEBSOCKET, TransportKind.POLLING);
        TransportMemory m = new TransportMemory(memory, "http://example.test/bridge/", Duration.ofHours(1));
        assertThat(m.startOrder(configured)).isEqualTo(configured);
        m.webSocketFailed();
        assertThat(new TransportMemory(memory, "http://example.test/bridge/", Duration.ofHours(1)).startOrder(configured))
                .containsExactly(TransportKind.POLLING, TransportKind.WEBSOCKET);
        assertThat(new TransportMemory(memory, "http://other.test/bridge/", Duration.ofHours(1)).startOrder(configured))
                .as("another bridge").isEqualTo(configured);
        assertThat(m.startOrder(List.of(TransportKind.WEBSOCKET))).as("no polling configured").containsExactly(TransportKind.WEBSOCKET);
        m.webSocketWorks();
        assertThat(m.startOrder(configured)).isEqualTo(configured);
    }

    @Test
    void aFailingStoreIsIgnored() {
        ClientMemory broken = new ClientMemory() {
            @Override
            public String recall(String key) {
                throw new IllegalStateException("store down");
            }

            @Override
            public void remember(String key, String value, Duration ttl) {
                throw new IllegalStateException("store down");
            }
        };
        TransportMemory m = new TransportMemory(broken, "http://example.test/bridge/", Duration.ofHours(1));
        m.webSocketFailed();
        assertThat(m.startOrder(List.of(TransportKind.WEBSOCKET, TransportKind.POLLING)))
                .containsExactly(TransportKind.WEBSOCKET, TransportKind.POLLING);
    }
}
