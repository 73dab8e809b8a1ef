package io.cometbridge.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 exchange over a raw socket, for requests the JDK's HttpClient refuses to send: a
 * forged {@code Host}, two {@code Origin} headers, proxy headers such as {@code X-Forwarded-Host}.
 */
public final class RawHttp {
    private RawHttp() {
    }

    /** A parsed response: status, headers (names lower-cased, last value wins), body. */
    public record Response(int status, Map<String, String> headers, String body, String raw) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** A request to loopback {@code port}: {@code head} is the request line and headers, without the blank line. */
    public static Response exchange(int port, String head, String body) throws IOException {
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        String request = head + (body == null ? "" : "Content-Length: " + content.length + "\r\n") + "\r\n";
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(15_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().write(content);
            s.getOutputStream().flush();
            return read(s.getInputStream());
        }
    }

    /** GET {@code path} with the given Host and extra header lines (each ending in CRLF). */
    public static Response get(int port, String path, String host, String extraHeaders) throws IOException {
        return exchange(port, "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + extraHeaders, null);
    }

    /** POST a JSON body to {@code path} with the given Host and extra header lines. */
    public static Response post(int port, String path, String host, String extraHeaders, String json) throws IOException {
        return exchange(port, "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\n"
                + extraHeaders, json);
    }

    /** Reads one response: its head, then Content-Length bytes of body (or up to the close). */
    public static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) break;
            head.write(b);
        }
        String headText = head.toString(StandardCharsets.ISO_8859_1);
        if (!headText.startsWith("HTTP/1.")) throw new IOException("no HTTP response: '" + headText + "'");
        String[] lines = headText.split("\r\n");
        int status = Integer.parseInt(lines[0].substring(9, 12));
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String length = headers.get("content-length");
        if (status == 101 || status == 204 || status == 304) {
            // no body
        } else if (length != null) {
            int n = Integer.parseInt(length);
            for (int i = 0; i < n; i++) {
                int b = in.read();
                if (b < 0) break;
                body.write(b);
            }
        } else if ("close".equalsIgnoreCase(headers.get("connection"))) {
            in.transferTo(body);
        }
        String text = body.toString(StandardCharsets.UTF_8);
        return new Response(status, headers, text, headText + text);
    }
}
