package io.cometbridge.server;

import io.cometbridge.testing.RawWebSocket;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connections read requests into a small buffer (a held poll keeps its buffer while it is held),
 * and requests larger than that buffer still work.
 */
class ConnectionBuffersTest {
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(new RecordingApp(RecordingApp.Mode.ECHO), TestServer.config().build(), List.of());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void requestBuffersAreSmall() {
        HttpConnectionFactory http = server.server.jetty().getConnectors()[0].getConnectionFactory(HttpConnectionFactory.class);
        assertThat(http.getInputBufferSize()).isEqualTo(ConnectionBuffers.REQUEST_BUFFER);
    }

    @Test
    void anUpgradeWithHeadersLargerThanTheBufferOpensASession() throws Exception {
        String cookie = "c=" + "x".repeat(3 * ConnectionBuffers.REQUEST_BUFFER);
        String head = "GET /bridge/ws HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16])
                + "\r\nSec-WebSocket-Version: 13\r\nCookie: " + cookie + "\r\n";
        try (RawWebSocket ws = RawWebSocket.over(server.port(), head)) {
            assertThat(ws.upgraded()).as(ws.handshakeResponse).isTrue();
            ws.sendText("{\"t\":\"attach\",\"last\":0}");
            assertThat(ws.read().text()).contains("\"t\":\"open\"");
        }
    }
}
