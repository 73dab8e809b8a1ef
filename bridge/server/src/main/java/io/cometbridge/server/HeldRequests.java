package io.cometbridge.server;

import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Request;

/**
 * Noticing a client that goes away while its request is held (a long poll). HTTP/2 reports it by
 * itself (the request's failure listeners); an HTTP/1.1 connection reads nothing while its request
 * is handled, so on the bridge's own connectors its socket is watched ({@link MeteredEndPoint}).
 * Elsewhere (TLS, a connector the bridge did not make) the idle timeout ends such a request.
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
