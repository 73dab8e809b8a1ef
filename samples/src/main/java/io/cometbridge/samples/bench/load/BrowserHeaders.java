package io.cometbridge.samples.bench.load;

import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;

/**
 * The one set of browser-like request headers every load-generator request and WebSocket handshake
 * carries, identical for the three systems so that their wire bytes compare: Host (added by the
 * client), User-Agent, Accept, Accept-Language, Accept-Encoding (browsers offer compression; of the
 * three servers only Socket.IO's polling uses it, for answers above 1 KiB, and Jetty's client
 * decodes them), Origin (the origin of the server each request goes to: several nodes, several
 * origins), and Content-Type on bodies (what each system's
 * browser client sends). No cookies (CometD's own aside), no WebSocket extensions offered.
 */
public final class BrowserHeaders {
    public static final String USER_AGENT =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    public static final String ACCEPT = "*/*";
    public static final String ACCEPT_LANGUAGE = "en-US,en;q=0.9";
    public static final String ACCEPT_ENCODING = "gzip";

    BrowserHeaders() {
    }

    /** The page's origin as a browser would send it: the server's own, whatever the scheme of the URI. */
    private static String originOf(java.net.URI uri) {
        return "http://" + uri.getHost() + ":" + uri.getPort();
    }

    Request apply(Request request) {
        String origin = originOf(request.getURI());
        return request.headers(h -> h.put(HttpHeader.USER_AGENT, USER_AGENT)
                .put(HttpHeader.ACCEPT, ACCEPT)
                .put(HttpHeader.ACCEPT_LANGUAGE, ACCEPT_LANGUAGE)
                .put(HttpHeader.ACCEPT_ENCODING, ACCEPT_ENCODING)
                .put(HttpHeader.ORIGIN, origin));
    }

    ClientUpgradeRequest apply(ClientUpgradeRequest request) {
        String origin = originOf(request.getRequestURI());
        request.setHeader("User-Agent", USER_AGENT);
        request.setHeader("Accept", ACCEPT);
        request.setHeader("Accept-Language", ACCEPT_LANGUAGE);
        request.setHeader("Accept-Encoding", ACCEPT_ENCODING);
        request.setHeader("Origin", origin);
        return request;
    }
}
