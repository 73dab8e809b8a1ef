package io.cometbridge.samples.bench.load;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;

import java.net.URI;

/** An adapter over one WebSocket (Jetty's client): text messages in, text messages out. */
abstract class WsClient extends AbstractClient {
    private volatile Session session;

    WsClient(LoadGenerator load, URI base, Listener listener) {
        super(load, base, listener);
    }

    /** ws:// URI of the endpoint. */
    abstract URI endpoint();

    /** Called once the handshake is done. */
    abstract void onOpen();

    abstract void onText(String text);

    @Override
    final void start() throws Exception {
        ClientUpgradeRequest request = load.headers.apply(new ClientUpgradeRequest(endpoint()));
        load.ws.connect(new Endpoint(this), request).whenComplete((s, e) -> {
            if (e != null) fail("handshake failed: " + e);
        });
    }

    /** Jetty's endpoint (a public class, as Jetty requires), handing every event to its client. */
    public static final class Endpoint implements Session.Listener.AutoDemanding {
        private final WsClient client;

        Endpoint(WsClient client) {
            this.client = client;
        }

        @Override
        public void onWebSocketOpen(Session s) {
            client.onWebSocketOpen(s);
        }

        @Override
        public void onWebSocketText(String text) {
            client.onWebSocketText(text);
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            client.fail("error " + cause);
        }

        @Override
        public void onWebSocketClose(int code, String reason, Callback callback) {
            callback.succeed();
            client.fail("closed " + code + " " + reason);
        }
    }

    private void onWebSocketOpen(Session s) {
        session = s;
        if (stopped) {
            s.disconnect();
            return;
        }
        onOpen();
    }

    private void onWebSocketText(String text) {
        if (stopped) return;
        try {
            onText(text);
        } catch (RuntimeException e) {
            fail("cannot handle " + text + ": " + e);
        }
    }

    final void sendText(String text) {
        Session s = session;
        if (s != null && !stopped) s.sendText(text, Callback.NOOP);
    }

    @Override
    final void stopTransport() {
        Session s = session;
        if (s != null) s.disconnect();
    }
}
