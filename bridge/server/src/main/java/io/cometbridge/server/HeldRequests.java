package io.cometbridge.server;

import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Request;

/**
 * Noticing a client that goes away while its request is held (a long poll). An HTTP/1.1 connection
 * reads nothing while its request is handled, so Jetty would learn of the close only by writing
 * the answer or at the idle timeout; on the bridge's own plain-text connectors the socket is
 * watched instead ({@link MeteredEndPoint}). Elsewhere (TLS, HTTP/2, a connector the bridge did
 * not make) what Jetty reports through the request's failure listeners is all there is.
 */
public final class HeldRequests {
    private static final Runnable NOTHING = () -> { };

    private HeldRequests() {
    }

    /**
     * Runs {@code onClosed} if the client closes the connection of {@code request} (its body read
     * already) before it is answered. Returns the action that stops watching: run it before answering.
     */
    public static Runnable watchClose(Request request, Runnable onClosed) {
        if (request.getConnectionMetaData().getHttpVersion() != HttpVersion.HTTP_1_1) return NOTHING;
        Connection connection = request.getConnectionMetaData().getConnection();
        if (connection != null && connection.getEndPoint() instanceof MeteredEndPoint socket) return socket.watchClose(onClosed);
        return NOTHING;
    }
}
