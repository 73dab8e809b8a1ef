package io.cometbridge.bayeux;

import com.google.gson.JsonObject;
import io.cometbridge.polling.BodyReader;
import io.cometbridge.polling.PollExchange;
import io.cometbridge.polling.PollingHeaders;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.server.OriginPolicy;
import io.cometbridge.server.WireMeter;
import io.cometbridge.session.BridgeConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServlet;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServletFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The Bayeux endpoint, one URL for both connection types as CometD clients expect: a WebSocket
 * upgrade there is the {@code websocket} type, a POST of a JSON batch (to the URL or below it: the
 * JavaScript client appends {@code /handshake}, {@code /connect}, ...) the {@code long-polling}
 * type. The same origin policy, CORS and limits as the bridge's own polling endpoints apply; a
 * request is validated before its body is read, the body is read without blocking, and a held
 * connect holds no thread (servlet async).
 */
final class BayeuxServlet extends JettyWebSocketServlet {
    private final BayeuxEngine engine;
    private final OriginPolicy origins;

    BayeuxServlet(BayeuxEngine engine, OriginPolicy origins) {
        this.engine = engine;
        this.origins = origins;
    }

    @Override
    protected void configure(JettyWebSocketServletFactory factory) {
        BridgeConfig c = engine.bridge().config();
        factory.setIdleTimeout(c.pollTimeout().plus(Duration.ofSeconds(30))); // a connect is answered within the poll timeout
        factory.setMaxTextMessageSize(c.maxRequestBytes());
        factory.setMaxBinaryMessageSize(1024);
        factory.setCreator((request, response) -> {
            HttpServletRequest http = request.getHttpServletRequest();
            if (!origins.allows(http.getHeader("Origin"), PollingHeaders.selfOrigin(http))) {
                response.sendForbidden("origin not allowed");
                return null;
            }
            WireMeter meter = WireMeter.of(ServletContextRequest.getServletContextRequest(http));
            meter.upgrade(); // the handshake and every frame belong to the session this socket carries first
            return new BayeuxSocket(engine, meter, http.getRemoteAddr());
        });
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        try {
            if (!PollingHeaders.cors(request, response, origins)) {
                throw new BridgeException(ErrorCode.ORIGIN_NOT_ALLOWED, "origin not allowed");
            }
            switch (request.getMethod()) {
                case "GET" -> {
                    super.service(request, response); // the WebSocket upgrade, or doGet below
                    return;
                }
                case "OPTIONS" -> {
                    PollingHeaders.preflight(response);
                    return;
                }
                case "POST" -> checkBodyHeaders(request);
                default -> {
                    response.setHeader("Allow", "GET, POST, OPTIONS");
                    throw new BridgeException(ErrorCode.METHOD_NOT_ALLOWED, "POST a Bayeux batch, or upgrade to WebSocket");
                }
            }
        } catch (BridgeException e) {
            if (request.getContentLengthLong() != 0) response.setHeader("Connection", "close"); // body left unread
            writeError(response, e);
            return;
        }
        post(request);
    }

    /** A GET that did not upgrade (callback-polling is not offered). */
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Allow", "GET, POST, OPTIONS");
        writeError(response, new BridgeException(ErrorCode.METHOD_NOT_ALLOWED,
                "POST a Bayeux batch (long-polling), or upgrade to WebSocket; callback-polling is not supported"));
    }

    private void post(HttpServletRequest request) throws IOException {
        PollExchange exchange = new PollExchange(request.startAsync());
        HttpLink link = new HttpLink(request.getRemoteAddr(), WireMeter.of(ServletContextRequest.getServletContextRequest(request)));
        Conduit conduit = new Conduit() {
            @Override
            public void write(String jsonArray) {
                exchange.respond(jsonArray);
            }

            @Override
            public void onAbandoned(Runnable r) {
                exchange.onAbandoned(r);
            }
        };
        BodyReader.read(request, engine.bridge().config().maxRequestBytes(), new BodyReader.Handler() {
            @Override
            public void body(String text) {
                List<JsonObject> messages = BayeuxJson.parseBatch(text, engine.bridge().config().maxBatchFrames());
                engine.process(messages, link, conduit);
            }

            @Override
            public void failed(BridgeException error) {
                exchange.respond(error.code().httpStatus(), BayeuxJson.errorBatch(error));
            }
        });
    }

    private void checkBodyHeaders(HttpServletRequest request) {
        int max = engine.bridge().config().maxRequestBytes();
        if (request.getContentLengthLong() > max) throw new BridgeException(ErrorCode.TOO_LARGE, "request body above " + max + " bytes");
        String type = request.getContentType();
        if (type == null || !type.toLowerCase().startsWith("application/json")) {
            throw new BridgeException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send application/json");
        }
    }

    private static void writeError(HttpServletResponse response, BridgeException e) throws IOException {
        byte[] body = BayeuxJson.errorBatch(e).getBytes(StandardCharsets.UTF_8);
        response.setStatus(e.code().httpStatus());
        PollingHeaders.noStoreJson(response, body.length);
        response.getOutputStream().write(body);
    }
}
