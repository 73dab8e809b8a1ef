package io.cometbridge.polling;

import io.cometbridge.protocol.BridgeException;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One suspended polling request (servlet async: no thread waits with it). It is answered exactly
 * once, with a complete body and a Content-Length (buffering proxies pass complete responses), and
 * written without blocking.
 */
public final class PollExchange {
    private final AsyncContext async;
    private final HttpServletResponse response;
    private final AtomicBoolean answered = new AtomicBoolean();
    private volatile Runnable onAbandoned = () -> { };

    public PollExchange(AsyncContext async) {
        this.async = async;
        this.response = (HttpServletResponse) async.getResponse();
        async.setTimeout(0); // the bridge times polls itself; Jetty's idle timeout is the backstop
        async.addListener(new AsyncListener() {
            @Override public void onComplete(AsyncEvent e) { }
            @Override public void onTimeout(AsyncEvent e) { abandoned(); }
            @Override public void onError(AsyncEvent e) { abandoned(); }
            @Override public void onStartAsync(AsyncEvent e) { }
        });
    }

    /** Runs if the client goes away before an answer (connection error). */
    public void onAbandoned(Runnable r) {
        onAbandoned = r;
    }

    private void abandoned() {
        if (answered.compareAndSet(false, true)) {
            onAbandoned.run();
            async.complete();
        }
    }

    public boolean isAnswered() {
        return answered.get();
    }

    /** Answers 200 with a JSON body; false if it was already answered (a poll is written once). */
    public boolean respond(String json) {
        return respond(200, json);
    }

    public boolean fail(BridgeException e) {
        return respond(e.code().httpStatus(), e.toJson());
    }

    /** Answers with this status and JSON body; false if it was already answered. */
    public boolean respond(int status, String json) {
        if (!answered.compareAndSet(false, true)) return false;
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        PollingHeaders.noStoreJson(response, body.length);
        try {
            ServletOutputStream out = response.getOutputStream();
            out.setWriteListener(new WriteListener() {
                private boolean written;

                @Override
                public void onWritePossible() throws IOException {
                    if (!written) {
                        written = true;
                        out.write(body);
                    }
                    if (out.isReady()) async.complete();
                }

                @Override
                public void onError(Throwable t) {
                    async.complete();
                }
            });
        } catch (IOException | IllegalStateException e) {
            async.complete();
        }
        return true;
    }
}
