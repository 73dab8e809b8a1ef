package io.cometbridge.polling;

import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.session.Bridge;
import org.eclipse.jetty.server.Request;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A {@code recv} or {@code send} for a session another node holds (docs/SCALE_OUT.md): it goes on
 * to that node over HTTP and its answer comes back as this node's, so a client behind a
 * round-robin load balancer needs no affinity. Asynchronous end to end: no thread waits while the
 * owner holds a poll. A forwarded request is never forwarded again; one that finds no reachable
 * owner is answered 409 {@code transport_replaced}, and the client's attach then moves the session
 * to the node it reaches.
 */
final class OwnerForwarding {
    /** Marks a request one node forwarded to another. */
    static final String FORWARDED_HEADER = "X-Bridge-Forwarded";

    private final Bridge bridge;
    private final HttpClient http;
    private final Duration timeout;

    OwnerForwarding(Bridge bridge) {
        this.bridge = bridge;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        this.timeout = bridge.config().pollTimeout().plus(Duration.ofSeconds(10)); // the owner answers a held poll first
    }

    /** Whether this request may be forwarded (sessions are shared, and it was not forwarded already). */
    boolean applies(Request request) {
        return bridge.sharesSessions() && request.getHeaders().get(FORWARDED_HEADER) == null;
    }

    /** Sends the request on to the session's node and answers the exchange with what it says. */
    void forward(Request request, String sid, String body, PollExchange exchange) {
        bridge.ownerOf(sid).whenComplete((owner, error) -> {
            if (owner == null || error != null) {
                exchange.fail(notHere());
                return;
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(owner + request.getHttpURI().getPath()))
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header(FORWARDED_HEADER, "1")
                    .header(PollingHeaders.SESSION_HEADER, sid)
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            String key = request.getHeaders().get(PollingHeaders.KEY_HEADER);
            if (key != null) b.header(PollingHeaders.KEY_HEADER, key);
            // No Origin: this node checked it already, and answers the browser with its own CORS headers.
            http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).whenComplete((response, failed) -> {
                if (failed != null) exchange.fail(notHere());
                else exchange.respond(response.statusCode(), response.body());
            });
        });
    }

    private static BridgeException notHere() {
        return new BridgeException(ErrorCode.TRANSPORT_REPLACED, "the session is not on this node: attach again");
    }
}
