package io.cometbridge.protocol;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** The Java code table is the one in bridge/spec/codes.json (which the browser client is tested against too). */
class CodeTableTest {
    private final JsonObject table;

    CodeTableTest() throws Exception {
        table = JsonParser.parseString(Files.readString(Path.of("../spec/codes.json"))).getAsJsonObject();
    }

    @Test
    void errorsMatchTheSpec() {
        List<String> spec = new ArrayList<>();
        for (JsonElement e : table.getAsJsonArray("errors")) {
            JsonObject o = e.getAsJsonObject();
            spec.add(o.get("name").getAsString() + " " + o.get("http").getAsInt() + " " + o.get("ws").getAsInt() + " " + o.get("client").getAsString());
        }
        assertThat(Arrays.stream(ErrorCode.values()).map(c -> c.wireName() + " " + c.httpStatus() + " " + c.closeCode()
                + " " + c.clientAction().name().toLowerCase(Locale.ROOT)))
                .containsExactlyElementsOf(spec);
    }

    @Test
    void sessionClosesMatchTheSpec() {
        List<String> spec = new ArrayList<>();
        for (JsonElement e : table.getAsJsonArray("closes")) {
            JsonObject o = e.getAsJsonObject();
            spec.add(o.get("name").getAsString() + " " + o.get("code").getAsInt() + " " + o.get("reason").getAsString());
        }
        assertThat(Arrays.stream(CloseCode.values()).map(c -> c.name().toLowerCase(Locale.ROOT) + " " + c.code() + " " + c.reason()))
                .containsExactlyElementsOf(spec);
        JsonObject socket = table.getAsJsonObject("socket");
        assertThat(CloseCode.SOCKET_NORMAL).isEqualTo(socket.get("normal").getAsInt());
        assertThat(CloseCode.SOCKET_GOING_AWAY).isEqualTo(socket.get("goingAway").getAsInt());
        assertThat(CloseCode.APPLICATION_MIN).isEqualTo(socket.get("applicationMin").getAsInt());
        assertThat(CloseCode.APPLICATION_MAX).isEqualTo(socket.get("applicationMax").getAsInt());
        assertThat(CloseCode.MAX_REASON_BYTES).isEqualTo(socket.get("maxReasonBytes").getAsInt());
    }

    @Test
    void reasonsAreCutAtACharacterBoundary() {
        assertThat(CloseCode.capReason("short")).isEqualTo("short");
        String euros = "€".repeat(60); // 3 bytes each
        assertThat(CloseCode.capReason(euros)).hasSize(41);
        assertThat(CloseCode.capReason("a".repeat(200))).hasSize(123);
        assertThat(CloseCode.capReason("😀".repeat(40)).codePoints().count()).isEqualTo(30);
        assertThat(CloseCode.capReason(null)).isEmpty();
    }
}
