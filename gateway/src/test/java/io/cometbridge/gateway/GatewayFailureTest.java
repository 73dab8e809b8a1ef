package io.cometbridge.gateway;

import io.cometbridge.api.CloseReason;
import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.gateway.testing.GatewayBridge;
import io.cometbridge.gateway.testing.TestUpstream;
import io.cometbridge.testing.ClientLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** When the service refuses, closes or dies: the session closes with 4010/4011, or waits and reconnects (docs/GATEWAY.md). */
class GatewayFailureTest {
    private TestUpstream upstream;
    private GatewayBridge bridge;
    private BridgeClient client;

    @AfterEach
    void stop() throws Exception {
        if (client != null) client.close();
        if (bridge != null) bridge.close();
        if (upstream != null) upstream.close();
    }

    private ClientLog connect(GatewayConfig.Builder gateway) throws Exception {
        bridge = new GatewayBridge(gateway, GatewayBridge.config().build());
        ClientLog log = new ClientLog();
        client = BridgeClient.builder(bridge.uri()).listener(log).build();
        client.connect().get();
        return log;
    }

    private static CloseReason closeOf(ClientLog log) {
        await().until(() -> !log.closes.isEmpty());
        return log.closes.get(0);
    }

    @Test
    void whenTheServiceClosesTheSessionClosesWith4010AndItsCodeAndReason() throws Exception {
        upstream = new TestUpstream();
        ClientLog log = connect(GatewayConfig.builder(upstream.uri()));
        await().until(() -> upstream.connections.size() == 1);
        upstream.closeAll(4321, "kicked");
        assertThat(closeOf(log)).isEqualTo(new CloseReason(4010, "upstream closed: 4321 kicked"));
    }

    @Test
    void whenTheServiceStopsTheSessionClosesWith4010() throws Exception {
        upstream = new TestUpstream();
        ClientLog log = connect(GatewayConfig.builder(upstream.uri()));
        await().until(() -> upstream.connections.size() == 1);
        upstream.stop();
        CloseReason why = closeOf(log);
        assertThat(why.code()).isEqualTo(4010);
        assertThat(why.reason()).matches("upstream closed: 100[16].*"); // a stopping Jetty drops its sockets (1006); others say 1001
    }

    @Test
    void aRefusedHandshakeClosesWith4011AndIsNotRetried() throws Exception {
        upstream = new TestUpstream();
        upstream.refuse(403);
        ClientLog log = connect(GatewayConfig.builder(upstream.uri()).onClose(GatewayConfig.OnClose.RECONNECT));
        assertThat(closeOf(log)).isEqualTo(new CloseReason(4011, "upstream refused: HTTP 403"));
        assertThat(bridge.gateway.stats().connects()).isZero();
        assertThat(upstream.handshakes).hasSize(1); // a 4xx is the service's answer: asking again would not change it
    }

    @Test
    void anUnreachableServiceClosesWith4011() throws Exception {
        upstream = new TestUpstream();
        upstream.stop();
        ClientLog log = connect(GatewayConfig.builder(upstream.uri()));
        CloseReason why = closeOf(log);
        assertThat(why.code()).isEqualTo(4011);
        assertThat(why.reason()).startsWith("upstream unreachable: ");
    }

    @Test
    void withReconnectASessionRidesOutAServiceRestartAndMessagesSentMeanwhileArrive() throws Exception {
        upstream = new TestUpstream();
        ClientLog log = connect(GatewayConfig.builder(upstream.uri()).onClose(GatewayConfig.OnClose.RECONNECT));
        for (int i = 0; i < 100; i++) client.send("a" + i);
        await().until(() -> log.messages.size() == 100); // echoed: nothing in flight

        upstream.stop();
        await().until(() -> bridge.gateway.stats().failures() >= 1);
        List<CompletableFuture<Void>> whileDown = new ArrayList<>();
        for (int i = 0; i < 100; i++) whileDown.add(client.send("b" + i));
        client.switchTo(TransportKind.POLLING).get(); // the client may move meanwhile, too
        assertThat(whileDown).noneMatch(CompletableFuture::isDone); // held, unacknowledged, while no service is there
        upstream.start();

        await().atMost(Duration.ofSeconds(30)).until(() -> log.messages.size() == 200);
        List<String> texts = log.texts();
        for (int i = 0; i < 100; i++) assertThat(texts.get(100 + i)).isEqualTo("b" + i);
        assertThat(log.closes).isEmpty();
        assertThat(log.opens).isEqualTo(1);
        assertThat(bridge.gateway.stats().reconnects()).isEqualTo(1);
        assertThat(bridge.gateway.stats().lostInFlight()).isZero();
        assertThat(upstream.outOfOrder.get()).isZero();
    }

    @Test
    void withReconnectASessionGivesUpAfterItsTimeWith4011() throws Exception {
        upstream = new TestUpstream();
        ClientLog log = connect(GatewayConfig.builder(upstream.uri()).onClose(GatewayConfig.OnClose.RECONNECT)
                .reconnectFor(Duration.ofSeconds(1)));
        await().until(() -> upstream.connections.size() == 1);
        upstream.stop();
        CloseReason why = closeOf(log);
        assertThat(why.code()).isEqualTo(4011);
        assertThat(why.reason()).startsWith("upstream not back within 1 s");
    }

    @Test
    void withReconnectAServicesOwnCloseIsFinal() throws Exception {
        upstream = new TestUpstream();
        ClientLog log = connect(GatewayConfig.builder(upstream.uri()).onClose(GatewayConfig.OnClose.RECONNECT));
        await().until(() -> upstream.connections.size() == 1);
        upstream.closeAll(1000, "bye");
        assertThat(closeOf(log)).isEqualTo(new CloseReason(4010, "upstream closed: 1000 bye"));
        assertThat(bridge.gateway.stats().reconnects()).isZero();
    }

    @Test
    void theSessionsEndClosesItsUpstreamConnection() throws Exception {
        upstream = new TestUpstream();
        connect(GatewayConfig.builder(upstream.uri()));
        await().until(() -> upstream.connections.size() == 1);
        client.close();
        await().until(() -> upstream.closes.size() == 1);
        assertThat(upstream.closes).containsExactly("1000 client closed");
    }
}
