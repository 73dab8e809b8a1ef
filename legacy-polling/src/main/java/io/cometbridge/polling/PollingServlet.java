package io.cometbridge.polling;

import io.cometbridge.api.AttachRequest;
import io.cometbridge.api.AuthRequest;
import io.cometbridge.api.TransportKind;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.FrameCodec;
import io.cometbridge.server.OriginPolicy;
import io.cometbridge.server.WireMeter;
import io.cometbridge.session.Bridge;
import io.cometbridge.session.Session;
import io.cometbridge.session.SessionIds;
import jakarta.servlet.http.HttpServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;


import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

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
    private final OwnerForwarding forwarding;

    PollingServlet(Bridge bridge, OriginPolicy origins) {
        this.bridge = bridge;
        this.origins = origins;
        this.forwarding = new OwnerForwarding(bridge);
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
            long declared = request.getContentLengthLong();
            if (declared > 0 && declared <= drainLimit()) {
                // Read the body away first: a client still uploading then reads the answer, on a
                // connection that stays open, instead of meeting one the server closed mid-upload.
                PollExchange exchange = new PollExchange(request.startAsync());
                BodyReader.discard(request, () -> exchange.fail(e));
                return;
            }
            // The body (if any) is left unread, so this connection cannot carry another request:
            // say so, or a client's pool may reuse it just as it closes.
            if (declared != 0) response.setHeader("Connection", "close");
            writeError(response, e);
            return;
        }
        // From here on no thread waits: the body is read as it arrives (a client trickling it
        // holds a socket, never a server thread), then the request is handled and suspended.
        PollExchange exchange = new PollExchange(request.startAsync());
        BodyReader.read(request, bridge.config().maxRequestBytes(), exchange, body -> {
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
        AuthRequest credentials = bridge.authenticates() ? ServletCredentials.of(request, TransportKind.POLLING) : null;
        bridge.attach(new PollingTransport(bridge, exchange, meter(request), request.getRemoteAddr(), headers, credentials),
                attach, exchange::fail);
    }

    /** A receive; when its batch carries more than acknowledgements, an exchange (send and receive in one request). */
    private void recv(HttpServletRequest request, String body, PollExchange exchange) {
        List<Frame> frames = FrameCodec.decodeBatch(body);
        long ack = ackOf(frames);
        boolean exchanging = frames.stream().anyMatch(f -> !(f instanceof Frame.Ack));
        if (exchanging) checkBatchSize(frames);
        Session session = session(request, body, exchange);
        if (session != null) session.withTransport(PollingTransport.class, request.getHeader(PollingHeaders.KEY_HEADER),
                polling -> {
                    if (exchanging) polling.onExchange(exchange, frames, ack);
                    else polling.onRecv(exchange, ack);
                }, exchange::fail);
    }

    private void send(HttpServletRequest request, String body, PollExchange exchange) {
        List<Frame> frames = FrameCodec.decodeBatch(body);
        checkBatchSize(frames);
        Session session = session(request, body, exchange);
        if (session != null) session.withTransport(PollingTransport.class, request.getHeader(PollingHeaders.KEY_HEADER),
                polling -> polling.onSend(exchange, frames), exchange::fail);
    }

    // ---------------------------------------------------------------- validation

    /** The session the request names; null when it went on to the node that holds it (docs/SCALE_OUT.md). */
    private Session session(HttpServletRequest request, String body, PollExchange exchange) {
        String sid = request.getHeader(PollingHeaders.SESSION_HEADER);
        if (sid == null || sid.isEmpty()) {
            throw new BridgeException(ErrorCode.MISSING_SESSION, "missing " + PollingHeaders.SESSION_HEADER + " header");
        }
        Session session = bridge.find(sid);
        if (session == null && forwarding.applies(request) && SessionIds.isWellFormed(sid)) {
            forwarding.forward(request, sid, body, exchange);
            return null;
        }
        if (session == null && bridge.sharesSessions()) { // a forwarded request that found no session: attach again
            throw new BridgeException(ErrorCode.TRANSPORT_REPLACED, "the session is not on this node: attach again");
        }
        if (session == null) throw new BridgeException(ErrorCode.UNKNOWN_SESSION, "unknown or expired session");
        meter(request).chargeTo(session.wireTally(), TransportKind.POLLING); // this request's bytes are the session's
        return session;
    }

    /** The byte counter of the connection this request came on. */
    private static WireMeter meter(HttpServletRequest request) {
        return WireMeter.of(ServletContextRequest.getServletContextRequest(request));
    }

    private void checkBatchSize(List<Frame> frames) {
        if (frames.size() > bridge.config().maxBatchFrames()) {
            throw new BridgeException(ErrorCode.TOO_LARGE, "more than " + bridge.config().maxBatchFrames() + " frames in one request");
        }
    }

    /**
     * The resume point of a recv: the highest acknowledgement in its batch, from ack frames or
     * acknowledgements riding on data frames. A recv without one is malformed.
     */
    private static long ackOf(List<Frame> frames) {
        long ack = -1;
        for (Frame f : frames) {
            if (f instanceof Frame.Ack a) ack = Math.max(ack, a.ack());
            else if (f instanceof Frame.Data d) ack = Math.max(ack, d.ack());
        }
        if (ack < 0) throw new BridgeException(ErrorCode.MALFORMED, "recv needs an acknowledgement (an ack frame, or one on a data frame)");
        return ack;
    }

    /** The largest declared body read (and dropped) before an early error is answered: 4 x the request limit, at most 16 MiB. */
    private long drainLimit() {
        return Math.min(16L << 20, 4L * bridge.config().maxRequestBytes());
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

    private static void writeError(HttpServletResponse response, BridgeException e) throws IOException {
        byte[] body = e.toJson().getBytes(StandardCharsets.UTF_8);
        response.setStatus(e.code().httpStatus());
        PollingHeaders.noStoreJson(response, body.length);
        response.getOutputStream().write(body);
    }
}
