package io.cometbridge.polling;

import java.util.List;

/** The one exactly-once-in-order check: message i is prefix + i, for i = 1..count, nothing else. */
final class ExactlyOnceAcrossSwitchesTestSupport {
    private ExactlyOnceAcrossSwitchesTestSupport() {
    }

    static void assertExactlyInOrder(List<String> got, String prefix, int count) {
        for (int i = 0; i < Math.min(count, got.size()); i++) {
            if (!got.get(i).equals(prefix + (i + 1))) {
                throw new AssertionError("message " + (i + 1) + " is " + got.get(i) + ", expected " + prefix + (i + 1));
            }
        }
        if (got.size() != count) throw new AssertionError("got " + got.size() + " messages, expected " + count);
    }
}
