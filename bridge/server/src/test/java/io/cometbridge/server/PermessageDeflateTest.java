package io.cometbridge.server;

import io.cometbridge.testing.RawWebSocket;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * permessage-deflate (RFC 7692), as browsers offer it on every WebSocket: the server accepts it,
 * reads compressed messages (RSV1 set, one or several fragments) and compresses what it sends.
 * A client that offers nothing gets plain frames.
 */
class PermessageDeflateTest {
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(new RecordingApp(RecordingApp.Mode.ECHO), TestServer.config().build(), List.of());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void offeredItIsNegotiatedAndCompressedMessagesGoBothWays() throws Exception {
        try (RawWebSocket ws = RawWebSocket.over(server.port(), head("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"))) {
            assertThat(ws.handshakeResponse).startsWith("HTTP/1.1 101").containsIgnoringCase("Sec-WebSocket-Extensions: permessage-deflate");
            Inflater inflater = new Inflater(true); // the server keeps its context across messages unless told not to
            ws.sendFrame(0x80 | 0x40 | RawWebSocket.TEXT, deflate("{\"t\":\"attach\",\"last\":0}"), true);
            assertThat(text(ws, inflater)).contains("\"t\":\"open\"");

            byte[] message = deflate("[1,\"" + "squeeze ".repeat(40) + "\"]");
            int half = message.length / 2;
            ws.sendFrame(0x40 | RawWebSocket.TEXT, Arrays.copyOfRange(message, 0, half), true); // compressed, in two fragments
            ws.sendFrame(0x80, Arrays.copyOfRange(message, half, message.length), true);
            String echo;
            do {
                echo = text(ws, inflater);
            } while (!echo.startsWith("[1,"));
            assertThat(echo).startsWith("[1,\"" + "squeeze ".repeat(40) + "\"");
        }
    }

    @Test
    void notOfferedTheFramesArePlain() throws Exception {
        try (RawWebSocket ws = RawWebSocket.over(server.port(), head(""))) {
            assertThat(ws.handshakeResponse).startsWith("HTTP/1.1 101").doesNotContainIgnoringCase("Sec-WebSocket-Extensions");
            ws.sendText("{\"t\":\"attach\",\"last\":0}");
            assertThat(ws.read().text()).contains("\"t\":\"open\"");
        }
    }

    private String head(String extensions) {
        return "GET /bridge/ws HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16]) + "\r\nSec-WebSocket-Version: 13\r\n" + extensions;
    }

    /** One message's deflated bytes as RFC 7692 sends them: a raw deflate stream, sync-flushed, without the final 00 00 FF FF. */
    private static byte[] deflate(String text) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(text.getBytes(StandardCharsets.UTF_8));
        byte[] buf = new byte[4096];
        int n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
        deflater.end();
        return Arrays.copyOf(buf, n - 4);
    }

    /** The next text frame, which the server compressed (RSV1), inflated. */
    private static String text(RawWebSocket ws, Inflater inflater) throws Exception {
        RawWebSocket.Frame f = ws.read();
        assertThat(f.opcode()).isEqualTo(RawWebSocket.TEXT);
        assertThat(f.compressed()).as("RSV1: compressed").isTrue();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        inflater.setInput(concat(f.payload(), new byte[]{0, 0, (byte) 0xFF, (byte) 0xFF}));
        byte[] buf = new byte[4096];
        int n;
        while ((n = inflater.inflate(buf)) > 0) out.write(buf, 0, n);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
