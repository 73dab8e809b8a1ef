package io.cometbridge.samples.bench.load;

import java.util.concurrent.atomic.LongAdder;

/** Bytes the load generator wrote to and read from its TCP sockets (HTTP and WebSocket alike). */
public final class WireCounter {
    final LongAdder up = new LongAdder();
    final LongAdder down = new LongAdder();

    public record Reading(long up, long down) {
        public Reading minus(Reading earlier) {
            return new Reading(up - earlier.up, down - earlier.down);
        }
    }

    public Reading read() {
        return new Reading(up.sum(), down.sum());
    }
}
