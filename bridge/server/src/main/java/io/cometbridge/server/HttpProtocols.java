package io.cometbridge.server;

import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.AbstractHTTP2ServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The connection factories of {@link BridgeServer}'s connectors: HTTP/1.1 always, HTTP/2 beside
 * it unless switched off (docs/PROTOCOL.md section 4.1).
 *
 * <ul>
 * <li>Cleartext: HTTP/1.1 is the default; a connection that opens with the HTTP/2 preface (prior
 *     knowledge) or asks {@code Upgrade: h2c} becomes h2c. Browsers never do either; load
 *     balancers and test clients do.</li>
 * <li>TLS: ALPN offers {@code h2} and {@code http/1.1}; a client that offers neither gets HTTP/1.1.
 *     Browsers use HTTP/2 only this way.</li>
 * </ul>
 *
 * <p>WebSocket stays on HTTP/1.1 connections: Jetty would advertise RFC 8441 (WebSocket over an
 * HTTP/2 stream, SETTINGS_ENABLE_CONNECT_PROTOCOL) by default; it is switched off, so a browser
 * opens its WebSocket on a connection of its own, which proxies understand and which the wire
 * meter counts as one WebSocket (WireMeter).
 */
final class HttpProtocols {
    private static final String HTTP_1_1 = "http/1.1"; // its ALPN id

    private HttpProtocols() {
    }

    /** Factories of a plain connector: HTTP/1.1, plus h2c when {@code http2}. */
    static ConnectionFactory[] plain(HttpConfiguration http, boolean http2) {
        if (!http2) return new ConnectionFactory[]{ConnectionBuffers.http(http)};
        HTTP2CServerConnectionFactory h2c = noWebSocket(new HTTP2CServerConnectionFactory(http));
        return new ConnectionFactory[]{ConnectionBuffers.http(http), h2c}; // HTTP/1.1's small buffer set last: the HTTP/2 factory sets the shared configuration's
    }

    /** Factories of a TLS connector: TLS, then ALPN choosing h2 or HTTP/1.1 when {@code http2}. */
    static ConnectionFactory[] tls(SslContextFactory.Server ssl, HttpConfiguration https, boolean http2) {
        if (!http2) return new ConnectionFactory[]{new SslConnectionFactory(ssl, HTTP_1_1), ConnectionBuffers.http(https)};
        HTTP2ServerConnectionFactory h2 = noWebSocket(new HTTP2ServerConnectionFactory(https));
        HttpConnectionFactory http1 = ConnectionBuffers.http(https); // after the HTTP/2 factory, which sets the shared configuration's buffer size
        // ALPN ids as registered, lower case: HttpConnectionFactory calls itself "HTTP/1.1", which no
        // client offers (a browser's WebSocket offers only "http/1.1" and was refused the handshake).
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", HTTP_1_1);
        alpn.setDefaultProtocol(HTTP_1_1); // clients without ALPN
        return new ConnectionFactory[]{new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, h2, http1};
    }

    private static <F extends AbstractHTTP2ServerConnectionFactory> F noWebSocket(F h2) {
        h2.setConnectProtocolEnabled(false); // no RFC 8441: WebSockets keep their own HTTP/1.1 connection
        return h2;
    }
}
