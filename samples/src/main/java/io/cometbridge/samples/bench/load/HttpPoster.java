package io.cometbridge.samples.bench.load;

import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpMethod;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Non-blocking HTTP requests with the benchmark's browser headers; the body comes back as text. */
final class HttpPoster {
    private HttpPoster() {
    }

    /** Response status and body, or a failure. */
    record Answer(int status, String body, org.eclipse.jetty.http.HttpFields headers, Throwable failure) {
        boolean ok() {
            return failure == null && status == 200;
        }

        String describe() {
            return failure != null ? failure.toString() : "HTTP " + status + " " + body;
        }
    }

    /**
     * A request of {@code session}, tagged with it: a tag is a Jetty destination of its own, so each
     * session has connections of its own, on either HTTP client, as a browser page does (HTTP/2:
     * sessions do not share one HPACK table). It also keeps the load generator cheap: one
     * destination shared by a thousand sessions is a pool of a thousand connections that Jetty's
     * client scans from the first for an idle one on every request (15 % of the load generator's
     * CPU in a long-polling fan-out, where nearly all of them hold a poll). A run's destinations go
     * when its load generator closes.
     */
    static void send(LoadGenerator load, HttpClient http, Object session, HttpMethod method, URI uri, String contentType,
                     String body, Consumer<Request> extra, Consumer<Answer> done) {
        send(load, http, session, method, uri, contentType, body, extra, done, true);
    }

    /**
     * A request that fails without any response (the server closed a pooled keep-alive connection
     * just as it was reused: Node closes idle ones after 5 s) is sent once more on a fresh
     * connection, as browsers do; any other failure is final.
     */
    private static void send(LoadGenerator load, HttpClient http, Object session, HttpMethod method, URI uri, String contentType,
                             String body, Consumer<Request> extra, Consumer<Answer> done, boolean mayRetry) {
        Request request = load.headers.apply(http.newRequest(uri).method(method).tag(session).timeout(120, TimeUnit.SECONDS));
        if (body != null) request.body(new BytesRequestContent(contentType, body.getBytes(StandardCharsets.UTF_8)));
        if (extra != null) extra.accept(request);
        request.send(new BufferingResponseListener(8 * 1024 * 1024) {
            @Override
            public void onComplete(Result result) {
                boolean noResponse = result.getResponse() == null || result.getResponse().getStatus() <= 0;
                if (result.isFailed() && noResponse && mayRetry && result.getFailure() instanceof java.io.IOException) {
                    send(load, http, session, method, uri, contentType, body, extra, done, false);
                } else if (result.isFailed()) done.accept(new Answer(0, null, null, result.getFailure()));
                else done.accept(new Answer(result.getResponse().getStatus(), getContentAsString(StandardCharsets.UTF_8),
                        result.getResponse().getHeaders(), null));
            }
        });
    }
}
