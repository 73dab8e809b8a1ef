package io.cometbridge.client;

import io.cometbridge.api.TransportKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.cometbridge.api.TransportKind.POLLING;
import static io.cometbridge.api.TransportKind.WEBSOCKET;
import static org.assertj.core.api.Assertions.assertThat;

/** Where a client goes next, and how the polling A/B cohort (PROTOCOL.md 10.3) keeps it off WebSocket. */
class RetryPlanTest {
    private final RetryPlan plan = new RetryPlan(List.of(WEBSOCKET, POLLING));

    @Test
    void aLostTransportIsTriedOnceMoreThenTheNext() {
        assertThat(plan.first()).isEqualTo(WEBSOCKET);
        assertThat(plan.failed(WEBSOCKET, true, false)).isEqualTo(WEBSOCKET);
        assertThat(plan.failed(WEBSOCKET, true, false)).isEqualTo(POLLING);
    }

    @Test
    void thePollingCohortNeverGoesBackToWebSocket() {
        plan.cohort(true, true); // a new session's open frame: "cohort":"polling"
        assertThat(plan.failed(WEBSOCKET, true, false)).as("the WebSocket it was opened over, closed with 4412").isEqualTo(POLLING);
        assertThat(plan.failed(POLLING, true, false)).isEqualTo(POLLING);
        assertThat(plan.failed(POLLING, true, false)).as("the next in the order would be WebSocket").isEqualTo(POLLING);
        assertThat(plan.first()).isEqualTo(POLLING);
        plan.cohort(false, false); // a resumed session's open frame without the field changes nothing
        assertThat(plan.first()).isEqualTo(POLLING);
        plan.cohort(false, true); // a new session in the control cohort
        assertThat(plan.first()).isEqualTo(WEBSOCKET);
    }

    @Test
    void aRefusalAloneIsEnough() {
        plan.cohort(true, false); // polling_cohort (4412) on a WebSocket attach
        assertThat(plan.failed(WEBSOCKET, false, false)).isEqualTo(POLLING);
    }

    @Test
    void aWebSocketOnlyClientKeepsItsOnlyTransport() {
        RetryPlan only = new RetryPlan(List.of(TransportKind.WEBSOCKET));
        only.cohort(true, true);
        assertThat(only.first()).isEqualTo(WEBSOCKET);
    }
}
