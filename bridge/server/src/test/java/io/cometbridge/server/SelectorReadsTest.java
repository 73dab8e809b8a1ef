package io.cometbridge.server;

import io.cometbridge.testing.RawWebSocket;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.websocket.core.WebSocketConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.Closeable;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bridge's WebSocket sockets have their reads run on the selector ({@link SelectorReads}): a
 * real server, a real WebSocket; the socket under it is marked once it is a WebSocket, an HTTP
 * connection on the same server is not, and the task the selector gets says it never blocks
 * while still closing with the selector.
 */
class SelectorReadsTest {
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(new RecordingApp(RecordingApp.Mode.ECHO), TestServer.config().build(), List.of());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private List<MeteredEndPoint> sockets() {
        ServerConnector connector = (ServerConnector) server.server.jetty().getConnectors()[0];
        return connector.getConnectedEndPoints().stream().map(e -> (MeteredEndPoint) e).toList();
    }

    @Test
    void aBridgeWebSocketRunsItsReadsOnTheSelector() throws Exception {
        try (RawWebSocket ws = new RawWebSocket(server.port(), "/bridge/ws", null)) {
            ws.sendText("{\"t\":\"attach\",\"last\":0}");
            assertThat(ws.read().text()).contains("\"t\":\"open\"");
            List<MeteredEndPoint> sockets = sockets();
            assertThat(sockets).hasSize(1);
            MeteredEndPoint socket = sockets.get(0);
            assertThat(socket.getConnection()).isInstanceOf(WebSocketConnection.class);
            assertThat(socket.runsWebSocketReadsOnSelector()).isTrue();

            // still a working WebSocket: the echo comes back
            ws.sendText("[1,\"hello\"]");
            assertThat(ws.readData().text()).startsWith("[1,\"hello\"");
        }
    }

    @Test
    void anHttpConnectionIsNotMarked() throws Exception {
        try (java.net.Socket plain = new java.net.Socket("127.0.0.1", server.port())) {
            plain.getOutputStream().write("GET /bridge/nothing HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes());
            assertThat(plain.getInputStream().read()).isEqualTo('H'); // answered: the connection is open
            List<MeteredEndPoint> sockets = sockets();
            assertThat(sockets).hasSize(1);
            assertThat(sockets.get(0).runsWebSocketReadsOnSelector()).isFalse();
        }
    }

    @Test
    void theSelectorsTaskSaysItNeverBlocksAndClosesWhatItWraps() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        AtomicBoolean closed = new AtomicBoolean();
        class Blocking implements Invocable.Task, Closeable {
            @Override
            public void run() {
                ran.set(true);
            }

            @Override
            public void close() {
                closed.set(true);
            }
        }
        Runnable task = new MeteredEndPoint.OnSelector(new Blocking());
        assertThat(Invocable.getInvocationType(task)).isEqualTo(Invocable.InvocationType.NON_BLOCKING);
        task.run();
        ((Closeable) task).close();
        assertThat(ran).isTrue();
        assertThat(closed).isTrue();
    }
}
