package io.cometbridge.server;

import io.cometbridge.testing.RawWebSocket;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the WebSocket endpoint puts messages together from frames (RFC 6455 section 5.4), over a
 * real socket to a real server: fragments are joined into one message, a control frame may come
 * between them, UTF-8 is checked over the whole message (a character may be split across
 * fragments, a broken one closes with 1007), and the size limit holds for the whole message.
 * The echo application sends every message back, so what arrives is what the session got.
 */
class WebSocketMessagesTest {
    private static final int MAX_MESSAGE = 1000;
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(new RecordingApp(RecordingApp.Mode.ECHO), TestServer.config().maxMessageBytes(MAX_MESSAGE).build(), List.of());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void aTextMessageInFragmentsArrivesWholeEvenWithACharacterSplitAcrossThem() throws Exception {
        byte[] whole = "[1,\"caf\u00e9 cr\u00e8me\"]".getBytes(StandardCharsets.UTF_8);
        int inE = indexOf(whole, (byte) 0xC3) + 1; // between the two bytes of the first é
        try (RawWebSocket ws = attached()) {
            ws.send(RawWebSocket.TEXT, Arrays.copyOfRange(whole, 0, inE), false);
            ws.send(0, Arrays.copyOfRange(whole, inE, inE + 3), false);
            ws.send(0, Arrays.copyOfRange(whole, inE + 3, whole.length), true);
            assertThat(ws.readData().text()).startsWith("[1,\"caf\u00e9 cr\u00e8me\"");
        }
    }

    @Test
    void aPingBetweenFragmentsIsAnsweredAndTheMessageStillArrives() throws Exception {
        try (RawWebSocket ws = attached()) {
            ws.send(RawWebSocket.TEXT, utf8("[1,\"be"), false);
            ws.send(RawWebSocket.PING, utf8("p"), true);
            RawWebSocket.Frame pong = ws.read();
            assertThat(pong.opcode()).isEqualTo(RawWebSocket.PONG);
            assertThat(pong.text()).isEqualTo("p");
            ws.send(0, utf8("tween\"]"), true);
            assertThat(ws.readData().text()).startsWith("[1,\"between\"");
        }
    }

    @Test
    void invalidUtf8AcrossFragmentsClosesWith1007() throws Exception {
        try (RawWebSocket ws = attached()) {
            ws.send(RawWebSocket.TEXT, new byte[]{'[', '1', ',', '"', (byte) 0xC3}, false); // the start of a 2-byte character
            ws.send(0, new byte[]{(byte) 0x28, '"', ']'}, true); // not a continuation byte
            assertThat(ws.readUntilClose().closeCode()).isEqualTo(1007);
        }
    }

    @Test
    void invalidUtf8InOneFrameClosesWith1007() throws Exception {
        try (RawWebSocket ws = attached()) {
            ws.send(RawWebSocket.TEXT, new byte[]{'[', '1', ',', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', ']'}, true); // an encoded surrogate
            assertThat(ws.readUntilClose().closeCode()).isEqualTo(1007);
        }
    }

    @Test
    void aBinaryMessageInFragmentsArrivesWhole() throws Exception {
        byte[] data = new byte[300];
        for (int i = 0; i < data.length; i++) data[i] = (byte) i;
        byte[] whole = ByteBuffer.allocate(9 + data.length).put((byte) 1).putLong(1).put(data).array();
        try (RawWebSocket ws = attached()) {
            ws.send(RawWebSocket.BINARY, Arrays.copyOfRange(whole, 0, 5), false); // the header split too
            ws.send(0, Arrays.copyOfRange(whole, 5, 200), false);
            ws.send(0, Arrays.copyOfRange(whole, 200, whole.length), true);
            RawWebSocket.Frame echo = ws.readData();
            assertThat(echo.opcode()).isEqualTo(RawWebSocket.BINARY);
            assertThat(Arrays.copyOfRange(echo.payload(), 9, echo.payload().length)).isEqualTo(data);
        }
    }

    @Test
    void fragmentsAboveTheSocketLimitCloseWith1009BeforeTheLastArrives() throws Exception {
        try (RawWebSocket ws = attached()) {
            byte[] chunk = utf8("x".repeat(MAX_MESSAGE));
            ws.send(RawWebSocket.TEXT, chunk, false);
            for (int i = 0; i < 6; i++) ws.send(0, chunk, false); // 7 × the message limit: above 6 × + 64, no FIN yet
            assertThat(ws.readUntilClose().closeCode()).isEqualTo(1009);
        }
    }

    @Test
    void messagesOneAfterAnotherEachArriveWhole() throws Exception {
        try (RawWebSocket ws = attached()) {
            ws.send(RawWebSocket.TEXT, utf8("[1,\"one"), false);
            ws.send(0, utf8("\"]"), true);
            ws.sendText("[2,\"two\"]");
            ws.send(RawWebSocket.TEXT, utf8("[3,"), false);
            ws.send(0, utf8("\"three\"]"), true);
            assertThat(ws.readData().text()).startsWith("[1,\"one\"");
            assertThat(ws.readData().text()).startsWith("[2,\"two\"");
            assertThat(ws.readData().text()).startsWith("[3,\"three\"");
        }
    }

    private RawWebSocket attached() throws Exception {
        RawWebSocket ws = new RawWebSocket(server.port(), "/bridge/ws", null);
        ws.sendText("{\"t\":\"attach\",\"last\":0}");
        assertThat(ws.read().text()).contains("\"t\":\"open\"");
        return ws;
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) if (bytes[i] == b) return i;
        throw new AssertionError("not found");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
