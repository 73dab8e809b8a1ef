package io.cometbridge.bayeux;

import com.google.gson.JsonObject;
import io.cometbridge.api.AuthRequest;
import io.cometbridge.api.TransportKind;
import io.cometbridge.polling.BodyReader;
import io.cometbridge.polling.PollExchange;
import io.cometbridge.polling.PollingHeaders;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.server.OriginPolicy;
import io.cometbridge.server.RequestCredentials;
import io.cometbridge.server.WireMeter;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.List;

/**
 * The Bayeux endpoint's HTTP side as a Jetty core handler, ahead of {@link BayeuxServlet} in its
 * context: the Origin check and CORS for every request, the preflight, the {@code long-polling}
 * connection type (a POST of a JSON batch, to the URL or below it: the JavaScript client appends
 * {@code /handshake}, {@code /connect}, ...) and the 405 for other methods. A GET goes on to the
 * servlet (the WebSocket upgrade). The same rules as the bridge's polling endpoints apply: a
 * request is validated before its body is read, the body is read without blocking, and a held
 * connect holds no thread.
 */
final class BayeuxHandler extends Handler.Wrapper {
    private final BayeuxEngine engine;
    private final OriginPolicy origins;

    BayeuxHandler(BayeuxEngine engine, OriginPolicy origins) {
        this.engine = engine;
        this.origins = origins;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        int max = engine.bridge().config().maxRequestBytes();
        try {
            PollingHeaders.cors(request, response, origins);
            switch (request.getMethod()) {
                case "GET" -> {
                    return super.handle(request, response, callback); // the WebSocket upgrade, or its 405
                }
                case "OPTIONS" -> {
                    PollingHeaders.preflight(response);
                    callback.succeeded();
                    return true;
                }
                case "POST" -> BodyReader.checkHeaders(request, max, true);
                default -> {
                    response.getHeaders().put(HttpHeader.ALLOW, "GET, POST, OPTIONS");
                    throw new BridgeException(ErrorCode.METHOD_NOT_ALLOWED, "POST a Bayeux batch, or upgrade to WebSocket");
                }
            }
        } catch (BridgeException e) {
            BodyReader.answerEarly(request, response, callback, e.code().httpStatus(), BayeuxJson.errorBatch(e), max);
            return true;
        }
        post(request, response, callback);
        return true;
    }

    private void post(Request request, Response response, Callback callback) {
        PollExchange exchange = new PollExchange(request, response, callback);
        AuthRequest credentials = engine.bridge().authenticates() ? RequestCredentials.of(request, TransportKind.BAYEUX_POLLING) : null;
        HttpLink link = new HttpLink(Request.getRemoteAddr(request), WireMeter.of(request), credentials);
        Conduit conduit = new Conduit() {
            @Override
            public void write(String jsonArray) {
                exchange.respond(jsonArray);
            }

            @Override
            public void onAbandoned(Runnable r) {
                exchange.onAbandoned(r);
            }
        };
        BodyReader.read(request, engine.bridge().config().maxRequestBytes(), new BodyReader.Handler() {
            @Override
            public void body(String text) {
                List<JsonObject> messages = BayeuxJson.parseBatch(text, engine.bridge().config().maxBatchFrames());
                engine.process(messages, link, conduit);
            }

            @Override
            public void failed(BridgeException error) {
                exchange.respond(error.code().httpStatus(), BayeuxJson.errorBatch(error));
            }
        });
    }
}
