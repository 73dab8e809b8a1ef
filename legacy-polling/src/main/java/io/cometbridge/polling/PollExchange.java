package io.cometbridge.polling;

import io.cometbridge.protocol.BridgeException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One polling request being handled (Jetty core: its callback completes it, no thread waits with
 * it). It is answered exactly once, with a complete body and a Content-Length (buffering proxies
 * pass complete responses), and written without blocking.
 */
public final class PollExchange {
    private final Response response;
    private final Callback callback;
    private final AtomicBoolean answered = new AtomicBoolean();
    private volatile Runnable onAbandoned = () -> { };

    public PollExchange(Request request, Response response, Callback callback) {
        this.response = response;
        this.callback = callback;
        // The connection failed (the client closed it, or it idled out) before the answer.
        request.addFailureListener(this::abandoned);
    }

    /** Runs if the client goes away before an answer (connection error). */
    public void onAbandoned(Runnable r) {
        onAbandoned = r;
    }

    private void abandoned(Throwable failure) {
        if (answered.compareAndSet(false, true)) {
            onAbandoned.run();
            callback.failed(failure);
        }
    }

    public boolean isAnswered() {
        return answered.get();
    }

    /** Answers 200 with a JSON body; false if it was already answered (a poll is written once). */
    public boolean respond(String json) {
        return respond(200, json);
    }

    /** Answers 200 with a JSON body already in UTF-8 (a batch, {@code FrameCodec.encodeBatchUtf8}). */
    public boolean respond(byte[] utf8Json) {
        return respond(200, utf8Json);
    }

    public boolean fail(BridgeException e) {
        return respond(e.code().httpStatus(), e.toJson());
    }

    /** Answers with this status and JSON body; false if it was already answered. */
    public boolean respond(int status, String json) {
        return respond(status, json.getBytes(StandardCharsets.UTF_8));
    }

    private boolean respond(int status, byte[] utf8Json) {
        if (!answered.compareAndSet(false, true)) return false;
        write(response, callback, status, utf8Json);
        return true;
    }

    /** Writes a complete JSON answer and completes the request (a write that fails fails it). */
    public static void write(Response response, Callback callback, int status, String json) {
        write(response, callback, status, json.getBytes(StandardCharsets.UTF_8));
    }

    private static void write(Response response, Callback callback, int status, byte[] body) {
        response.setStatus(status);
        PollingHeaders.noStoreJson(response, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
