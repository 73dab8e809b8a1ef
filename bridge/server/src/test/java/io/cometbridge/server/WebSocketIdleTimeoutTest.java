package io.cometbridge.server;

import io.cometbridge.session.Bridge;
import io.cometbridge.testing.RawWebSocket;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.core.WebSocketConnection;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bridge WebSocket's idle timeout is a backstop behind the heartbeat, never shorter than the
 * connector's: Jetty then keeps the socket's idle timer at the upgrade instead of cancelling and
 * scheduling it again.
 */
class WebSocketIdleTimeoutTest {

    @Test
    void anUpgradedSocketKeepsAtLeastTheConnectorsIdleTimeout() throws Exception {
        try (TestServer server = new TestServer(new RecordingApp(RecordingApp.Mode.ECHO), TestServer.config().build(), List.of());
             RawWebSocket ws = new RawWebSocket(server.port(), "/bridge/ws", null)) {
            ws.sendText("{\"t\":\"attach\",\"last\":0}");
            assertThat(ws.read().text()).contains("\"t\":\"open\"");
            ServerConnector connector = (ServerConnector) server.server.jetty().getConnectors()[0];
            var socket = connector.getConnectedEndPoints().iterator().next();
            assertThat(socket.getConnection()).isInstanceOf(WebSocketConnection.class);
            // defaults: heartbeat timeout 30 s + 10 s = 40 s, below the connector's poll timeout 20 s + 30 s = 50 s
            assertThat(socket.getIdleTimeout()).isEqualTo(50_000).isEqualTo(connector.getIdleTimeout());
        }
    }

    @Test
    void aLongHeartbeatStillGetsTenSecondsPastItsTimeout() {
        Bridge bridge = Bridge.builder(new RecordingApp(RecordingApp.Mode.ECHO))
                .config(TestServer.config().heartbeatInterval(Duration.ofSeconds(60)).build()).build();
        try {
            assertThat(BridgeHandlerTree.webSocketIdleTimeout(bridge)).isEqualTo(Duration.ofSeconds(130)); // 2 x 60 s + 10 s
        } finally {
            bridge.close();
        }
    }
}
