package io.cometbridge.polling;

import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.util.Utf8;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.util.function.Consumer;

/**
 * Reads a bounded UTF-8 request body without blocking, for every endpoint that takes JSON bodies
 * (the bridge's polling endpoints, the Bayeux endpoint): what has arrived is read at once, and
 * the rest on demand, so no thread waits for a slow client's body (docs/BAD_INPUT.md H48); a body
 * that stops arriving ends with Jetty's idle timeout.
 */
public final class BodyReader {

    /** What to do with a body, or with the documented error that stopped reading it. */
    public interface Handler {
        void body(String text);

        void failed(BridgeException error);
    }

    private BodyReader() {
    }

    /**
     * Reads the body of {@code request} and hands it to {@code handler.body} on the thread that
     * read its last bytes; the limit is checked while reading. A documented error from reading or
     * from {@code body} goes to {@code failed}.
     */
    public static void read(Request request, int max, Handler handler) {
        new Reading(request, max, handler).run();
    }

    /** Consumer-style form for callers whose failures all answer one exchange. */
    public static void read(Request request, int max, PollExchange exchange, Consumer<String> body) {
        read(request, max, new Handler() {
            @Override
            public void body(String text) {
                body.accept(text);
            }

            @Override
            public void failed(BridgeException error) {
                exchange.fail(error);
            }
        });
    }

    /**
     * Reads a body that will not be used (an early error answers the request) and runs
     * {@code then} once it has all arrived, or the client gave up sending it. Nothing is kept.
     */
    private static void discard(Request request, Runnable then) {
        new Runnable() {
            @Override
            public void run() {
                while (true) {
                    Content.Chunk chunk = request.read();
                    if (chunk == null) {
                        request.demand(this);
                        return;
                    }
                    chunk.release();
                    if (chunk.isLast() || Content.Chunk.isFailure(chunk)) {
                        then.run();
                        return;
                    }
                }
            }
        }.run();
    }

    /**
     * What the headers say about a JSON body, checked before any of it is read: its size (at most
     * {@code max}), and its type ({@code typeRequired}: even when the body is declared empty).
     */
    public static void checkHeaders(Request request, int max, boolean typeRequired) {
        long declared = request.getLength();
        if (declared > max) throw new BridgeException(ErrorCode.TOO_LARGE, "request body above " + max + " bytes");
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if ((typeRequired || declared != 0) && (type == null || !type.regionMatches(true, 0, "application/json", 0, 16))) {
            throw new BridgeException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send application/json");
        }
    }

    /**
     * Answers an error found before the body was read ({@code json}: its body; {@code max}: the
     * endpoint's body limit). A declared body up to 4 x the limit (at most 16 MiB) is read away
     * first: a client still uploading then reads the answer, on a connection that stays open,
     * instead of meeting one the server closed mid-upload. A larger or unknown one is left unread,
     * so the connection cannot carry another request: the answer says so, or a client's pool may
     * reuse it just as it closes.
     */
    public static void answerEarly(Request request, Response response, Callback callback, int status, String json, int max) {
        long declared = request.getLength();
        if (declared > 0 && declared <= Math.min(16L << 20, 4L * max)) {
            discard(request, () -> PollExchange.write(response, callback, status, json));
            return;
        }
        if (declared != 0) response.getHeaders().put(HttpHeader.CONNECTION, "close");
        PollExchange.write(response, callback, status, json);
    }

    /** One body being read: reruns itself on demand until the last chunk, a failure or the limit. */
    private static final class Reading implements Runnable {
        private final Request request;
        private final int max;
        private final Handler handler;
        private ByteArrayOutputStream bytes; // only when the body comes in more than one chunk

        Reading(Request request, int max, Handler handler) {
            this.request = request;
            this.max = max;
            this.handler = handler;
        }

        @Override
        public void run() {
            try {
                while (true) {
                    Content.Chunk chunk = request.read();
                    if (chunk == null) {
                        request.demand(this);
                        return;
                    }
                    if (Content.Chunk.isFailure(chunk)) {
                        // A transient failure (the idle timeout of a body that stopped arriving) ends the read too.
                        throw new BridgeException(ErrorCode.MALFORMED, "request body incomplete");
                    }
                    String text;
                    try {
                        text = take(chunk);
                    } finally {
                        chunk.release();
                    }
                    if (text != null) {
                        handler.body(text);
                        return;
                    }
                }
            } catch (BridgeException e) {
                handler.failed(e);
            }
        }

        /** Keeps a chunk's bytes; the whole body's text once the chunk is its last, else null. */
        private String take(Content.Chunk chunk) {
            ByteBuffer data = chunk.getByteBuffer();
            int had = bytes == null ? 0 : bytes.size();
            if ((long) had + data.remaining() > max) {
                throw new BridgeException(ErrorCode.TOO_LARGE, "request body above " + max + " bytes");
            }
            if (chunk.isLast() && bytes == null) { // the usual case: the whole body in one chunk, no copy
                if (!data.hasRemaining()) throw new BridgeException(ErrorCode.MALFORMED, "empty body");
                return utf8(data);
            }
            if (bytes == null) bytes = new ByteArrayOutputStream(Math.max(64, (int) Math.min(max, request.getLength())));
            if (data.hasArray()) {
                bytes.write(data.array(), data.arrayOffset() + data.position(), data.remaining());
            } else {
                byte[] copy = new byte[data.remaining()];
                data.get(copy);
                bytes.writeBytes(copy);
            }
            if (!chunk.isLast()) return null;
            if (bytes.size() == 0) throw new BridgeException(ErrorCode.MALFORMED, "empty body");
            return utf8(ByteBuffer.wrap(bytes.toByteArray()));
        }
    }

    static String utf8(ByteBuffer bytes) {
        try {
            return Utf8.decode(bytes);
        } catch (CharacterCodingException e) {
            throw new BridgeException(ErrorCode.MALFORMED, "body is not valid UTF-8");
        }
    }
}
