package io.cometbridge.server;

import io.cometbridge.testing.RawWebSocket;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An open WebSocket does not keep the HTTP exchange of its upgrade (request, headers, parser, the
 * HTTP connection it replaced): an idle server holds thousands of sockets. Jetty's endpoint API
 * kept records of the upgrade that reached all of that for the socket's life; on Jetty's WebSocket
 * core the endpoint copies the few headers it needs at the upgrade and keeps nothing else.
 */
class UpgradeExchangeReleaseTest {
    private TestServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) server.close();
    }

    @Test
    void theReplacedHttpConnectionCanBeCollectedWhileTheSocketLives() throws Exception {
        server = new TestServer(new RecordingApp(RecordingApp.Mode.ECHO), TestServer.config().build(), List.of());
        List<WeakReference<Connection>> httpConnections = new CopyOnWriteArrayList<>();
        server.server.jetty().getConnectors()[0].addBean(new Connection.Listener() {
            @Override
            public void onOpened(Connection connection) {
                if (connection instanceof HttpConnection) httpConnections.add(new WeakReference<>(connection));
            }
        });
        try (RawWebSocket ws = new RawWebSocket(server.port(), "/bridge/ws", null)) {
            ws.sendText("{\"t\":\"attach\",\"last\":0}");
            assertThat(ws.read().text()).contains("\"t\":\"open\"");
            assertThat(httpConnections).hasSize(1);

            for (int i = 0; i < 50 && httpConnections.get(0).get() != null; i++) {
                System.gc();
                Thread.sleep(20);
            }
            assertThat(httpConnections.get(0).get()).as("the upgrade's HTTP connection, still reachable").isNull();

            // The socket goes on: a ping is answered.
            ws.sendText("{\"t\":\"ping\",\"ts\":7}");
            assertThat(ws.read().text()).contains("\"t\":\"pong\"").contains("\"ts\":7");
        }
    }
}
