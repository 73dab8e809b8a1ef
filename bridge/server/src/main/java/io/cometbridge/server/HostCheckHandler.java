package io.cometbridge.server;

import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The outermost handler: a request whose Host the {@link HostPolicy} refuses gets
 * {@code 421 host_not_allowed} before any endpoint sees it (WebSocket upgrade, polling, stats,
 * client files, demo pages, 404s). The host is the one the request addressed, after a trusted
 * proxy's forwarded host replaced it ({@link TrustedProxyCustomizer}).
 */
final class HostCheckHandler extends Handler.Wrapper {
    private final HostPolicy hosts;

    HostCheckHandler(HostPolicy hosts, Handler next) {
        super(next);
        this.hosts = hosts;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        HttpURI uri = request.getHttpURI();
        if (!hosts.allows(uri.getHost(), uri.getPort())) {
            // The client chose this name; the connection may carry other names next: do not keep it.
            response.getHeaders().put("Connection", "close");
            JsonErrorHandler.write(response, callback,
                    new BridgeException(ErrorCode.HOST_NOT_ALLOWED, hosts.refusal(uri.getHost(), uri.getPort())));
            return true;
        }
        return super.handle(request, response, callback);
    }
}
