package io.cometbridge.polling;

import io.cometbridge.api.AttachRequest;
import io.cometbridge.api.TransportKind;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.FrameCodec;
import io.cometbridge.server.OriginPolicy;
import io.cometbridge.server.WireMeter;
import io.cometbridge.session.Bridge;
import io.cometbridge.session.Session;
import jakarta.servlet.http.HttpServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * The three long-polling endpoints (docs/PROTOCOL.md section 4): {@code attach}, {@code recv} and
 * {@code send}, all POST. Every request is validated here (method, origin, content type, size,
 * session), then suspended (servlet async) and finished by the session's executor, so no thread
 * waits with a held poll. Bodies are read with non-blocking IO, so no thread waits for a slow
 * client's body either (docs/BAD_INPUT.md H48).
 */
final class PollingServlet extends HttpServlet {
    private final Bridge bridge;
    private final OriginPolicy origins;

    PollingServlet(Bridge bridge, OriginPolicy origins) {
        this.bridge = bridge;
        this.origins = origins;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String endpoint;
        try {
            if (!PollingHeaders.cors(request, response, origins)) {
                throw new BridgeException(ErrorCode.ORIGIN_NOT_ALLOWED, "origin not allowed");
            }
            if (request.getMethod().equals("OPTIONS")) {
                PollingHeaders.preflight(response);
                return;
            }
            endpoint = request.getPathInfo() == null ? "" : request.getPathInfo();
            if (!endpoint.equals("/attach") && !endpoint.equals("/recv") && !endpoint.equals("/send")) {
                throw new BridgeException(ErrorCode.NOT_FOUND, "no such endpoint");
            }
            if (!request.getMethod().equals("POST")) {
                response.setHeader("Allow", "POST, OPTIONS");
                throw new BridgeException(ErrorCode.METHOD_NOT_ALLOWED, "use POST");
            }
            checkBodyHeaders(request);
        } catch (BridgeException e) {
            // The body (if any) is left unread, so this connection cannot carry another request:
            // say so, or a client's pool may reuse it just as it closes.
            if (request.getContentLengthLong() != 0) response.setHeader("Connection", "close");
            writeError(response, e);
            return;
        }
        // From here on no thread waits: the body is read as it arrives (a client trickling it
        // holds a socket, never a server thread), then the request is handled and suspended.
        PollExchange exchange = new PollExchange(request.startAsync());
        readBody(request, exchange, body -> {
            switch (endpoint) {
                case "/attach" -> attach(request, body, exchange);
                case "/recv" -> recv(request, body, exchange);
                default -> send(request, body, exchange);
            }
        });
    }

    // ---------------------------------------------------------------- endpoints

    private void attach(HttpServletRequest request, String body, PollExchange exchange) {
        if (!(FrameCodec.decode(body) instanceof Frame.Attach attach)) {
            throw new BridgeException(ErrorCode.MALFORMED, "attach needs one attach frame");
        }
        AttachRequest headers = AttachRequest.of(bridge.attachHeaders(), name -> java.util.Collections.list(request.getHeaders(name)));
        bridge.attach(new PollingTransport(bridge, exchange, meter(request), request.getRemoteAddr(), headers), attach, exchange::fail);
    }

    private void recv(HttpServletRequest request, String body, PollExchange exchange) {
        long ack = ackOf(FrameCodec.decodeBatch(body));
        session(request).withTransport(PollingTransport.class, request.getHeader(PollingHeaders.KEY_HEADER),
                polling -> polling.onRecv(exchange, ack), exchange::fail);
    }

    private void send(HttpServletRequest request, String body, PollExchange exchange) {
        List<Frame> frames = FrameCodec.decodeBatch(body);
        if (frames.size() > bridge.config().maxBatchFrames()) {
            throw new BridgeException(ErrorCode.TOO_LARGE, "more than " + bridge.config().maxBatchFrames() + " frames in one request");
        }
        session(request).withTransport(PollingTransport.class, request.getHeader(PollingHeaders.KEY_HEADER),
                polling -> polling.onSend(exchange, frames), exchange::fail);
    }

    // ---------------------------------------------------------------- validation

    private Session session(HttpServletRequest request) {
        String sid = request.getHeader(PollingHeaders.SESSION_HEADER);
        if (sid == null || sid.isEmpty()) {
            throw new BridgeException(ErrorCode.MISSING_SESSION, "missing " + PollingHeaders.SESSION_HEADER + " header");
        }
        Session session = bridge.find(sid);
        if (session == null) throw new BridgeException(ErrorCode.UNKNOWN_SESSION, "unknown or expired session");
        meter(request).chargeTo(session.wireTally(), TransportKind.POLLING); // this request's bytes are the session's
        return session;
    }

    /** The byte counter of the connection this request came on. */
    private static WireMeter meter(HttpServletRequest request) {
        return WireMeter.of(ServletContextRequest.getServletContextRequest(request));
    }

    /** A recv body is a batch of ack frames; the highest one counts. */
    private static long ackOf(List<Frame> frames) {
        long ack = -1;
        for (Frame f : frames) {
            if (!(f instanceof Frame.Ack a)) throw new BridgeException(ErrorCode.MALFORMED, "recv carries only ack frames");
            ack = Math.max(ack, a.ack());
        }
        if (ack < 0) throw new BridgeException(ErrorCode.MALFORMED, "recv needs an ack frame");
        return ack;
    }

    /** Checks what the headers say about the body before any of it is read: size and type. */
    private void checkBodyHeaders(HttpServletRequest request) {
        int max = bridge.config().maxRequestBytes();
        long declared = request.getContentLengthLong();
        if (declared > max) throw new BridgeException(ErrorCode.TOO_LARGE, "request body above " + max + " bytes");
        String type = request.getContentType();
        if (declared != 0 && (type == null || !type.toLowerCase().startsWith("application/json"))) {
            throw new BridgeException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send application/json");
        }
    }

    /**
     * Reads a bounded UTF-8 JSON body without blocking (servlet non-blocking IO), then hands it to
     * {@code handler} on the container thread that read its last bytes. The limit is checked
     * while reading. A body that stops arriving ends with Jetty's idle timeout. Any documented
     * error, from here or from the handler, answers the exchange.
     */
    private void readBody(HttpServletRequest request, PollExchange exchange, Consumer<String> handler) throws IOException {
        int max = bridge.config().maxRequestBytes();
        ServletInputStream in = request.getInputStream();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.max(0, Math.min(request.getContentLengthLong(), max)));
        in.setReadListener(new ReadListener() {
            // Sized to Content-Length when known: bodies are usually a few dozen bytes.
            private final byte[] chunk = new byte[(int) Math.max(1, Math.min(8192,
                    request.getContentLengthLong() > 0 ? request.getContentLengthLong() : 8192))];
            private boolean done;

            @Override
            public void onDataAvailable() throws IOException {
                while (!done && in.isReady()) {
                    int n = in.read(chunk);
                    if (n < 0) return; // onAllDataRead follows
                    bytes.write(chunk, 0, n);
                    if (bytes.size() > max) {
                        done = true;
                        exchange.fail(new BridgeException(ErrorCode.TOO_LARGE, "request body above " + max + " bytes"));
                    }
                }
            }

            @Override
            public void onAllDataRead() {
                if (done) return;
                done = true;
                try {
                    if (bytes.size() == 0) throw new BridgeException(ErrorCode.MALFORMED, "empty body");
                    handler.accept(utf8(bytes.toByteArray()));
                } catch (BridgeException e) {
                    exchange.fail(e);
                }
            }

            @Override
            public void onError(Throwable t) {
                if (done) return;
                done = true;
                exchange.fail(new BridgeException(ErrorCode.MALFORMED, "request body incomplete"));
            }
        });
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new BridgeException(ErrorCode.MALFORMED, "body is not valid UTF-8");
        }
    }

    private static void writeError(HttpServletResponse response, BridgeException e) throws IOException {
        byte[] body = e.toJson().getBytes(StandardCharsets.UTF_8);
        response.setStatus(e.code().httpStatus());
        PollingHeaders.noStoreJson(response, body.length);
        response.getOutputStream().write(body);
    }
}
