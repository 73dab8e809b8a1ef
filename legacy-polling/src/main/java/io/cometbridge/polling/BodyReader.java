package io.cometbridge.polling;

import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads a bounded UTF-8 request body without blocking (servlet non-blocking IO, or at once when
 * all of it has arrived already), for every
 * endpoint that takes JSON bodies (the bridge's polling endpoints, the Bayeux endpoint). No thread
 * waits for a slow client's body (docs/BAD_INPUT.md H48); a body that stops arriving ends with
 * Jetty's idle timeout.
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
     * Reads the body of {@code request} (its async mode already started) and hands it to
     * {@code handler.body} on the container thread that read its last bytes; the limit is checked
     * while reading. A documented error from reading or from {@code body} goes to {@code failed}.
     */
    public static void read(HttpServletRequest request, int max, Handler handler) throws IOException {
        ServletInputStream in = request.getInputStream();
        long declared = request.getContentLengthLong();
        if (declared > 0 && declared <= max && in.available() >= declared) {
            // The whole body came with the headers (a small batch usually does): reading what is
            // available never blocks, and it spares a second dispatch through the container.
            byte[] body = in.readNBytes((int) declared);
            try {
                if (body.length < declared) throw new BridgeException(ErrorCode.MALFORMED, "request body incomplete");
                handler.body(utf8(body));
            } catch (BridgeException e) {
                handler.failed(e);
            }
            return;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.max(0, Math.min(declared, max)));
        in.setReadListener(new ReadListener() {
            // Sized to Content-Length when known: bodies are usually a few dozen bytes.
            private final byte[] chunk = new byte[(int) Math.max(1, Math.min(8192, declared > 0 ? declared : 8192))];
            private boolean done;

            @Override
            public void onDataAvailable() throws IOException {
                while (!done && in.isReady()) {
                    int n = in.read(chunk);
                    if (n < 0) return; // onAllDataRead follows
                    bytes.write(chunk, 0, n);
                    if (bytes.size() > max) {
                        done = true;
                        handler.failed(new BridgeException(ErrorCode.TOO_LARGE, "request body above " + max + " bytes"));
                    }
                }
            }

            @Override
            public void onAllDataRead() {
                if (done) return;
                done = true;
                try {
                    if (bytes.size() == 0) throw new BridgeException(ErrorCode.MALFORMED, "empty body");
                    handler.body(utf8(bytes.toByteArray()));
                } catch (BridgeException e) {
                    handler.failed(e);
                }
            }

            @Override
            public void onError(Throwable t) {
                if (done) return;
                done = true;
                handler.failed(new BridgeException(ErrorCode.MALFORMED, "request body incomplete"));
            }
        });
    }

    /**
     * Reads a body that will not be used (an early error answers the request) and runs
     * {@code then} once it has all arrived, or the client gave up sending it. Nothing is kept.
     */
    public static void discard(HttpServletRequest request, Runnable then) throws IOException {
        ServletInputStream in = request.getInputStream();
        in.setReadListener(new ReadListener() {
            private final byte[] scratch = new byte[8192];
            private boolean done;

            @Override
            public void onDataAvailable() throws IOException {
                while (in.isReady() && in.read(scratch) >= 0) {
                    // dropped
                }
            }

            @Override
            public void onAllDataRead() {
                finish();
            }

            @Override
            public void onError(Throwable t) {
                finish();
            }

            private void finish() {
                if (done) return;
                done = true;
                then.run();
            }
        });
    }

    /** Consumer-style form for callers whose failures all answer one exchange. */
    public static void read(HttpServletRequest request, int max, PollExchange exchange, Consumer<String> body) throws IOException {
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

    static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new BridgeException(ErrorCode.MALFORMED, "body is not valid UTF-8");
        }
    }
}
