package io.cometbridge.polling;

import io.cometbridge.api.AttachRequest;
import io.cometbridge.api.AuthRequest;
import io.cometbridge.api.TransportKind;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.Frame;
import io.cometbridge.protocol.FrameCodec;
import io.cometbridge.server.OriginPolicy;
import io.cometbridge.server.RequestCredentials;
import io.cometbridge.server.WireMeter;
import io.cometbridge.session.Bridge;
import io.cometbridge.session.Session;
import io.cometbridge.session.SessionIds;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.List;

/**
 * The three long-polling endpoints (docs/PROTOCOL.md section 4): {@code attach}, {@code recv} and
 * {@code send}, all POST, as a Jetty core handler (no servlet layer). Every request is validated
 * here (method, origin, content type, size, session) before its body is read; the body is read as
 * it arrives (a client trickling it holds a socket, never a server thread: docs/BAD_INPUT.md
 * H48), then the session's executor answers it, so no thread waits with a held poll either.
 * Nothing here blocks, so Jetty runs it on the selector thread that read the request.
 */
final class PollingHandler extends Handler.Abstract.NonBlocking {
    private final Bridge bridge;
    private final OriginPolicy origins;
    private final OwnerForwarding forwarding;
    private final String base;

    /** @param base the path in context the endpoints are below ({@code ""} in a context of their own) */
    PollingHandler(Bridge bridge, OriginPolicy origins, String base) {
        this.bridge = bridge;
        this.origins = origins;
        this.base = base;
        this.forwarding = new OwnerForwarding(bridge);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String endpoint;
        try {
            PollingHeaders.cors(request, response, origins);
            if (request.getMethod().equals("OPTIONS")) {
                PollingHeaders.preflight(response);
                callback.succeeded();
                return true;
            }
            endpoint = endpoint(Request.getPathInContext(request));
            if (!request.getMethod().equals("POST")) {
                response.getHeaders().put(HttpHeader.ALLOW, "POST, OPTIONS");
                throw new BridgeException(ErrorCode.METHOD_NOT_ALLOWED, "use POST");
            }
            BodyReader.checkHeaders(request, bridge.config().maxRequestBytes(), false);
        } catch (BridgeException e) {
            BodyReader.answerEarly(request, response, callback, e.code().httpStatus(), e.toJson(), bridge.config().maxRequestBytes());
            return true;
        }
        PollExchange exchange = new PollExchange(request, response, callback);
        BodyReader.read(request, bridge.config().maxRequestBytes(), exchange, body -> {
            switch (endpoint) {
                case "/attach" -> attach(request, body, exchange);
                case "/recv" -> recv(request, body, exchange);
                default -> send(request, body, exchange);
            }
        });
        return true;
    }

    /** The endpoint a path names ({@code /attach}, {@code /recv}, {@code /send}), or the documented 404. */
    private String endpoint(String path) {
        String endpoint = path.startsWith(base) ? path.substring(base.length()) : "";
        if (!endpoint.equals("/attach") && !endpoint.equals("/recv") && !endpoint.equals("/send")) {
            throw new BridgeException(ErrorCode.NOT_FOUND, "no such endpoint");
        }
        return endpoint;
    }

    // ---------------------------------------------------------------- endpoints

    private void attach(Request request, String body, PollExchange exchange) {
        if (!(FrameCodec.decode(body) instanceof Frame.Attach attach)) {
            throw new BridgeException(ErrorCode.MALFORMED, "attach needs one attach frame");
        }
        AttachRequest headers = AttachRequest.of(bridge.attachHeaders(), name -> request.getHeaders().getValuesList(name));
        AuthRequest credentials = bridge.authenticates() ? RequestCredentials.of(request, TransportKind.POLLING) : null;
        bridge.attach(new PollingTransport(bridge, exchange, WireMeter.of(request), Request.getRemoteAddr(request), headers, credentials),
                attach, exchange::fail);
    }

    /** A receive; when its batch carries more than acknowledgements, an exchange (send and receive in one request). */
    private void recv(Request request, String body, PollExchange exchange) {
        List<Frame> frames = FrameCodec.decodeBatch(body);
        long ack = ackOf(frames);
        boolean exchanging = !onlyAcks(frames);
        if (exchanging) checkBatchSize(frames);
        Session session = session(request, body, exchange);
        if (session != null) session.withTransport(PollingTransport.class, request.getHeaders().get(PollingHeaders.KEY_HEADER),
                polling -> {
                    if (exchanging) polling.onExchange(exchange, frames, ack);
                    else polling.onRecv(exchange, ack);
                }, exchange::fail);
    }

    private void send(Request request, String body, PollExchange exchange) {
        List<Frame> frames = FrameCodec.decodeBatch(body);
        checkBatchSize(frames);
        Session session = session(request, body, exchange);
        if (session != null) session.withTransport(PollingTransport.class, request.getHeaders().get(PollingHeaders.KEY_HEADER),
                polling -> polling.onSend(exchange, frames), exchange::fail);
    }

    // ---------------------------------------------------------------- validation

    /** The session the request names; null when it went on to the node that holds it (docs/SCALE_OUT.md). */
    private Session session(Request request, String body, PollExchange exchange) {
        String sid = request.getHeaders().get(PollingHeaders.SESSION_HEADER);
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
        WireMeter.of(request).chargeTo(session.wireTally(), TransportKind.POLLING); // this request's bytes are the session's
        return session;
    }

    private void checkBatchSize(List<Frame> frames) {
        if (frames.size() > bridge.config().maxBatchFrames()) {
            throw new BridgeException(ErrorCode.TOO_LARGE, "more than " + bridge.config().maxBatchFrames() + " frames in one request");
        }
    }

    private static boolean onlyAcks(List<Frame> frames) {
        for (Frame f : frames) if (!(f instanceof Frame.Ack)) return false;
        return true;
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
}
