package io.cometbridge.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

/**
 * A deliberately minimal RFC 6455 client on a raw socket, for sending what well-behaved clients
 * cannot: invalid UTF-8, truncated frames, arbitrary opcodes.
 */
public final class RawWebSocket implements AutoCloseable {
    public static final int TEXT = 1, BINARY = 2, CLOSE = 8, PING = 9, PONG = 10;

    /** A received frame; {@code compressed}: its RSV1 bit (permessage-deflate). */
    public record Frame(int opcode, byte[] payload, boolean compressed) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The close code of a close frame (1005 when it carries none). */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final Random random = new Random();
    public final String handshakeResponse;

    public RawWebSocket(int port, String path, String origin) throws IOException {
        this(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16])
                + "\r\nSec-WebSocket-Version: 13\r\n" + (origin != null ? "Origin: " + origin + "\r\n" : ""), true);
    }

    /** A handshake written exactly as {@code requestHead} (request line and headers, no blank line): a forged Host, say. */
    public static RawWebSocket over(int port, String requestHead) throws IOException {
        return new RawWebSocket(port, requestHead, true);
    }

    private RawWebSocket(int port, String requestHead, boolean raw) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        String request = requestHead + "\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) break;
            head.write(b);
        }
        handshakeResponse = head.toString(StandardCharsets.US_ASCII);
    }

    public boolean upgraded() {
        return handshakeResponse.startsWith("HTTP/1.1 101");
    }

    public void sendText(String text) throws IOException {
        send(TEXT, text.getBytes(StandardCharsets.UTF_8), true);
    }

    /** Sends one masked frame. */
    public void send(int opcode, byte[] payload, boolean fin) throws IOException {
        sendFrame((fin ? 0x80 : 0) | opcode, payload, true);
    }

    /**
     * Sends one frame exactly as told: {@code firstByte} is FIN, RSV1-3 and the opcode, so
     * reserved bits, unknown opcodes and unmasked frames can be sent on purpose.
     */
    public void sendFrame(int firstByte, byte[] payload, boolean masked) throws IOException {
        out.write(frame(firstByte, payload, masked));
        out.flush();
    }

    /** Sends raw bytes (a hand-made frame header, say). */
    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The bytes of one frame; a client frame is masked unless told otherwise. */
    public byte[] frame(int firstByte, byte[] payload, boolean masked) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(firstByte);
        int maskBit = masked ? 0x80 : 0;
        int n = payload.length;
        if (n < 126) {
            frame.write(maskBit | n);
        } else if (n < 65536) {
            frame.write(maskBit | 126);
            frame.write(n >> 8);
            frame.write(n);
        } else {
            frame.write(maskBit | 127);
            for (int i = 7; i >= 0; i--) frame.write((int) ((long) n >> (8 * i)));
        }
        if (masked) {
            byte[] mask = new byte[4];
            random.nextBytes(mask);
            frame.write(mask, 0, 4);
            for (int i = 0; i < n; i++) frame.write(payload[i] ^ mask[i % 4]);
        } else {
            frame.write(payload, 0, n);
        }
        return frame.toByteArray();
    }

    /** Whether the server has sent bytes not read yet (a frame is arriving). */
    public boolean hasData() throws IOException {
        return in.available() > 0;
    }

    /** Sets how long {@link #read} waits for the server. */
    public void soTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    /** Reads the next frame (server frames are unmasked). */
    public Frame read() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7f;
        if (len == 126) len = in.readUnsignedShort();
        else if (len == 127) len = in.readLong();
        byte[] payload = new byte[(int) len];
        in.readFully(payload);
        return new Frame(b0 & 0x0f, payload, (b0 & 0x40) != 0);
    }

    /** The next data frame from the server (text starting with '[', or binary), skipping acks and heartbeats. */
    public Frame readData() throws IOException {
        while (true) {
            Frame f = read();
            if (f.opcode() == BINARY || f.opcode() == TEXT && f.text().startsWith("[")) return f;
        }
    }

    /** Reads frames until a close frame arrives; returns it. */
    public Frame readUntilClose() throws IOException {
        while (true) {
            Frame f = read();
            if (f.opcode() == CLOSE) return f;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
