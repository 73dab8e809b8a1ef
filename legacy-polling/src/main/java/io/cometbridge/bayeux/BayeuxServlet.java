package io.cometbridge.bayeux;

import io.cometbridge.api.TransportKind;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.server.RequestCredentials;
import io.cometbridge.server.WireMeter;
import io.cometbridge.session.BridgeConfig;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServlet;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServletFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.http.HttpHeader;
import io.cometbridge.polling.PollingHeaders;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The Bayeux {@code websocket} connection type: the WebSocket upgrade at the endpoint's URL, for
 * the GETs {@link BayeuxHandler} (which checked their Origin) passes on. A GET that does not
 * upgrade is answered 405: callback-polling is not offered.
 */
final class BayeuxServlet extends JettyWebSocketServlet {
    private final BayeuxEngine engine;

    BayeuxServlet(BayeuxEngine engine) {
        this.engine = engine;
    }

    @Override
    protected void configure(JettyWebSocketServletFactory factory) {
        BridgeConfig c = engine.bridge().config();
        factory.setIdleTimeout(c.pollTimeout().plus(Duration.ofSeconds(30))); // a connect is answered within the poll timeout
        factory.setMaxTextMessageSize(c.maxRequestBytes());
        factory.setMaxBinaryMessageSize(1024);
        factory.setCreator((request, response) -> {
            Request upgrade = ServletContextRequest.getServletContextRequest(request.getHttpServletRequest()); // its Origin checked already
            WireMeter meter = WireMeter.of(upgrade);
            meter.upgrade(); // the handshake and every frame belong to the session this socket carries first
            return new BayeuxSocket(engine, meter, Request.getRemoteAddr(upgrade),
                    engine.bridge().authenticates() ? RequestCredentials.of(upgrade, TransportKind.BAYEUX_WEBSOCKET) : null);
        });
    }

    /** A GET that did not upgrade (callback-polling is not offered). */
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        BridgeException e = new BridgeException(ErrorCode.METHOD_NOT_ALLOWED,
                "POST a Bayeux batch (long-polling), or upgrade to WebSocket; callback-polling is not supported");
        byte[] body = BayeuxJson.errorBatch(e).getBytes(StandardCharsets.UTF_8);
        Response headers = ServletContextRequest.getServletContextRequest(request).getServletContextResponse(); // the same response, core side
        headers.setStatus(e.code().httpStatus());
        headers.getHeaders().put(HttpHeader.ALLOW, "GET, POST, OPTIONS");
        PollingHeaders.noStoreJson(headers, body.length);
        response.getOutputStream().write(body);
    }
}
