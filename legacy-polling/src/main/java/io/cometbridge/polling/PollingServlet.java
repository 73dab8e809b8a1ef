package io.cometbridge.polling;

import io.cometbridge.api.TransportKind;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.FrameCodec;
import io.cometbridge.server.OriginPolicy;
import io.cometbridge.server.WireMeter;
import io.cometbridge.session.Bridge;
import io.cometbridge.session.Session;
import io.cometbridge.session.SessionState;
import io.cometbridge.transport.Transport;
import jakarta.servlet.http.HttpServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The three long-polling endpoints (docs/PROTOCOL.md section 4): {@code attach}, {@code recv} and
 * {@code send}, all POST. Every request is validated here (method, origin, content type, size,
 * session), then suspended (servlet async) and finished by the session's executor, so no thread
 * waits with a held poll.
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
        try {
            if (!PollingHeaders.cors(request, response, origins)) {
                throw new BridgeException(ErrorCode.ORIGIN_NOT_ALLOWED, "origin not allowed");
            }
            if (request.getMethod().equals("OPTIONS")) {
                PollingHeaders.preflight(response);
                return;
            }
            String endpoint = request.getPathInfo() == null ? "" : request.getPathInfo();
            if (!endpoint.equals("/attach") && !endpoint.equals("/recv") && !endpoint.equals("/send")) {
                throw new BridgeException(ErrorCode.NOT_FOUND, "no such endpoint");
            }
            if (!request.getMethod().equals("POST")) {
                response.setHeader("Allow", "POST, OPTIONS");
                throw new BridgeException(ErrorCode.METHOD_NOT_ALLOWED, "use POST");
            }
            String body = readBody(request);
            switch (endpoint) {
                case "/attach" -> attach(request, body);
                case "/recv" -> recv(request, body);
                default -> send(request, body);
            }
        } catch (BridgeException e) {
            writeError(response, e);
        }
    }

    // ---------------------------------------------------------------- endpoints

    private void attach(HttpServletRequest request, String body) {
        if (!(FrameCodec.decode(body) instanceof Frame.Attach attach)) {
            throw new BridgeException(ErrorCode.MALFORMED, "attach needs one attach frame");
        }
        PollExchange exchange = new PollExchange(request.startAsync());
        bridge.attach(new PollingTransport(bridge, exchange, meter(request)), attach, exchange::fail);
    }

    private void recv(HttpServletRequest request, String body) {
        long ack = ackOf(FrameCodec.decodeBatch(body));
        Session session = session(request);
        PollExchange exchange = new PollExchange(request.startAsync());
        session.execute(() -> {
            Transport current = session.currentTransport();
            if (!(current instanceof PollingTransport polling) || polling.isReplaced()) {
                exchange.fail(session.state() == SessionState.CLOSED
                        ? new BridgeException(ErrorCode.UNKNOWN_SESSION, "session closed")
                        : new BridgeException(ErrorCode.TRANSPORT_REPLACED, "the session moved to another transport"));
                return;
            }
            polling.hold(exchange);
            if (session.state() == SessionState.CLOSED) {
                session.deliverPendingClose(polling);
                return;
            }
            try {
                session.pullReady(polling, ack);
            } catch (BridgeException e) {
                polling.unhold(exchange);
                exchange.fail(e);
            }
        });
    }

    private void send(HttpServletRequest request, String body) {
        List<Frame> frames = FrameCodec.decodeBatch(body);
        Session session = session(request);
        PollExchange exchange = new PollExchange(request.startAsync());
        session.execute(() -> {
            Transport current = session.currentTransport();
            if (!(current instanceof PollingTransport polling) || polling.isReplaced()) {
                exchange.fail(session.state() == SessionState.CLOSED
                        ? new BridgeException(ErrorCode.UNKNOWN_SESSION, "session closed")
                        : new BridgeException(ErrorCode.TRANSPORT_REPLACED, "the session moved to another transport"));
                return;
            }
            session.receive(polling, frames, error -> {
                if (error != null) {
                    exchange.fail(error);
                } else {
                    session.ackSentByTransport();
                    exchange.respond("[" + FrameCodec.encode(new Frame.Ack(session.lastReceived())) + "]");
                }
            });
        });
    }

    // ---------------------------------------------------------------- validation

    private Session session(HttpServletRequest request) {
        String sid = request.getHeader(PollingHeaders.SESSION_HEADER);
        if (sid == null || sid.isEmpty()) {
            throw new BridgeException(ErrorCode.MISSING_SESSION, "missing " + PollingHeaders.SESSION_HEADER + " header");
        }
        Session session = bridge.find(sid);
        if (session == null) throw new BridgeException(ErrorCode.UNKNOWN_SESSION, "unknown or expired session");
        meter(request).bind(session.stats(), TransportKind.POLLING); // this request's bytes are the session's
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

    /** Reads a bounded UTF-8 JSON body; the limit is checked before and while reading. */
    private String readBody(HttpServletRequest request) throws IOException {
        int max = bridge.config().maxRequestBytes();
        long declared = request.getContentLengthLong();
        if (declared > max) throw new BridgeException(ErrorCode.TOO_LARGE, "request body above " + max + " bytes");
        String type = request.getContentType();
        if (declared != 0 && (type == null || !type.toLowerCase().startsWith("application/json"))) {
            throw new BridgeException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send application/json");
        }
        byte[] bytes;
        try (InputStream in = request.getInputStream()) {
            if (declared >= 0) {
                // The usual case: exactly Content-Length bytes (readNBytes(max + 1) would allocate
                // an 8 KB buffer per request for bodies of a few dozen bytes).
                byte[] buf = new byte[(int) declared];
                int n = in.readNBytes(buf, 0, buf.length);
                bytes = n == buf.length ? buf : Arrays.copyOf(buf, n);
            } else {
                bytes = in.readNBytes(max + 1);
            }
        }
        if (bytes.length > max) throw new BridgeException(ErrorCode.TOO_LARGE, "request body above " + max + " bytes");
        if (bytes.length == 0) throw new BridgeException(ErrorCode.MALFORMED, "empty body");
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
