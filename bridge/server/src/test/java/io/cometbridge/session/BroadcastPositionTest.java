package io.cometbridge.session;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Room-log positions order by number, not by text, and keep their id's text. */
class BroadcastPositionTest {
    @Test
    void positionsOrderByMillisThenSequence() {
        assertThat(BroadcastPosition.compare("1700000000000-10", "1700000000000-9")).isPositive(); // text order says otherwise
        assertThat(BroadcastPosition.compare("1700000000001-0", "1700000000000-99")).isPositive();
        assertThat(BroadcastPosition.compare("5-5", "5-5")).isZero();
        assertThat(BroadcastPosition.compare(null, "0-1")).isNegative();
        assertThat(BroadcastPosition.compare("0-1", null)).isPositive();
        assertThat(BroadcastPosition.compare((String) null, null)).isZero();
    }

    @Test
    void itsTextIsTheIdItWasParsedFrom() {
        assertThat(BroadcastPosition.parse("1700000000000-12")).hasToString("1700000000000-12");
        assertThat(BroadcastPosition.parse(null)).isNull();
    }
}
