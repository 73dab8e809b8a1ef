package io.cometbridge.samples.bench.load;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JsonTextTest {

    @Test
    void quotedStringsReadBackUnchanged() {
        for (String s : new String[]{"", "e123:....", "quote \" backslash \\ tab \t newline \n", "\u0001 ctrl", "ünïcödé €"}) {
            String quoted = JsonText.quote(s);
            int[] end = new int[1];
            assertThat(JsonText.readString("[" + quoted + ",1]", 1, end)).isEqualTo(s);
            assertThat(end[0]).isEqualTo(1 + quoted.length());
        }
    }

    @Test
    void readsUnicodeEscapesAndNumbers() {
        int[] end = new int[1];
        assertThat(JsonText.readString("\"a\\u00e9b\"", 0, end)).isEqualTo("aéb");
        assertThat(JsonText.readLong("[1234,\"x\"]", 1, end)).isEqualTo(1234);
        assertThat(end[0]).isEqualTo(5);
    }

    @Test
    void socketIoEventsAreJsonArrays() {
        assertThat(SocketIoPackets.event("e", "hi \"there\"")).isEqualTo("42[\"e\",\"hi \\\"there\\\"\"]");
    }
}
