package io.cometbridge.samples.bench.gateway;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

import java.net.URI;
import java.nio.ByteBuffer;

/**
 * The benchmark's "existing WebSocket service": a plain Jetty WebSocket echo at {@code /echo}, on
 * 127.0.0.1, knowing nothing of the bridge. Clients reach it directly, or through the gateway.
 *
 * <pre>java -cp samples/target/comet-bridge.jar io.cometbridge.samples.bench.gateway.EchoService [port]</pre>
 *
 * It prints {@value #READY} and its URL, and stops when its standard input closes.
 */
public final class EchoService implements AutoCloseable {
    static final String READY = "echo service at";
    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);

    public EchoService(int port) throws Exception {
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(WebSocketUpgradeHandler.from(server, c -> c.addMapping("/echo", (req, resp, cb) -> new Echo())));
        server.start();
    }

    public URI uri() {
        return URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/echo");
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    public static void main(String[] args) throws Exception {
        try (EchoService echo = new EchoService(args.length > 0 ? Integer.parseInt(args[0]) : 0)) {
            System.out.println(READY + " " + echo.uri());
            System.out.flush();
            while (System.in.read() >= 0) {
                // until EOF: the benchmark closed our stdin
            }
        }
    }

    /** Echoes each message as it came; reads on at once (a typical service: its writes queue in memory). */
    public static final class Echo implements Session.Listener.AutoDemanding {
        private Session session;

        @Override
        public void onWebSocketOpen(Session s) {
            session = s;
        }

        @Override
        public void onWebSocketText(String text) {
            session.sendText(text, Callback.NOOP);
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload).flip();
            callback.succeed();
            session.sendBinary(copy, Callback.NOOP);
        }
    }
}
