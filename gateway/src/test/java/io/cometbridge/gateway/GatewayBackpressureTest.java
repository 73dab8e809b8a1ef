package io.cometbridge.gateway;

import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.gateway.testing.GatewayBridge;
import io.cometbridge.gateway.testing.TestUpstream;
import io.cometbridge.protocol.Message;
import io.cometbridge.testing.ClientLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Backpressure both ways, bounded: a service that stops reading stops the gateway taking the
 * client's messages (which then wait in the client), and a client that stops acknowledging stops
 * the gateway reading the service (whose messages then wait in its own socket). Memory is judged
 * by the queues that could grow, not the heap: what the gateway wrote and the socket did not take,
 * what it relayed and the client did not acknowledge, what the client still holds.
 */
class GatewayBackpressureTest {
    private static final String KB = "x".repeat(1024);
    private TestUpstream upstream;
    private GatewayBridge bridge;

    @AfterEach
    void stop() throws Exception {
        if (bridge != null) bridge.close();
        if (upstream != null) upstream.close();
    }

    @ParameterizedTest
    @EnumSource(value = TransportKind.class, names = {"WEBSOCKET", "POLLING"})
    void aSlowServiceHoldsTheClientBackAndNothingGrows(TransportKind transport) throws Exception {
        int count = 5_000; // 40 MiB: several times what the sockets, the window and the client's 500 can hold
        String payload = KB.repeat(8); // 8 KiB: the sockets between gateway and service fill early
        upstream = new TestUpstream().echo(false);
        upstream.pauseReading();
        bridge = new GatewayBridge(GatewayConfig.builder(upstream.uri()), GatewayBridge.config().build());
        GatewayConfig.Window window = bridge.gateway.config().upstreamWindow();
        AtomicLong refused = new AtomicLong();
        try (BridgeClient client = BridgeClient.builder(bridge.uri()).transports(transport).build()) {
            client.connect().get();
            await().until(() -> upstream.connections.size() == 1);
            Semaphore inFlight = new Semaphore(500); // the client's application keeps 500 (4 MiB) unacknowledged at most
            Thread sender = new Thread(() -> {
                for (int i = 0; i < count; i++) {
                    inFlight.acquireUninterruptibly();
                    client.send(payload + i).whenComplete((v, e) -> {
                        if (e != null) refused.incrementAndGet();
                        inFlight.release();
                    });
                }
            }, "test-sender");
            sender.start();

            // The service reads nothing: the sockets fill, the gateway's window fills, the session
            // holds what comes next unacknowledged, and the client's application is held back.
            await().atMost(Duration.ofSeconds(60)).until(() -> bridge.gateway.stats().upstreamStalls() > 0 && inFlight.availablePermits() == 0);
            await().pollDelay(Duration.ofMillis(500)).until(() -> inFlight.availablePermits() == 0); // and stays so
            assertThat(bridge.gateway.stats().maxUnwritten()).isLessThanOrEqualTo(window.messages());
            assertThat(upstream.received.get()).isZero();
            long taken = bridge.gateway.stats().messagesToUpstream();
            assertThat(taken).isLessThan(count);

            upstream.resumeReading();
            sender.join(120_000);
            await().atMost(Duration.ofSeconds(120)).until(() -> upstream.received.get() == count);
            assertThat(upstream.outOfOrder.get()).isZero();
            assertThat(refused.get()).as("sends the client refused (queue full) or the session failed").isZero();
            assertThat(bridge.gateway.stats().maxUnwritten()).isLessThanOrEqualTo(window.messages());
        }
    }

    @ParameterizedTest
    @EnumSource(value = TransportKind.class, names = {"WEBSOCKET", "POLLING"})
    void aSlowClientHoldsTheServiceBackAndNothingGrows(TransportKind transport) throws Exception {
        int count = 20_000; // 20 MiB: several times what the sockets and the client window can hold
        upstream = new TestUpstream();
        bridge = new GatewayBridge(GatewayConfig.builder(upstream.uri()), GatewayBridge.config().build());
        GatewayConfig.Window window = bridge.gateway.config().clientWindow();
        CountDownLatch stuck = new CountDownLatch(1);
        ClientLog log = new ClientLog();
        BridgeClient.Listener slow = new BridgeClient.Listener() {
            @Override
            public void onMessage(BridgeClient client, Message message) {
                try {
                    stuck.await(); // the client's application does not keep up: nothing is acknowledged
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                log.onMessage(client, message);
            }

            @Override
            public void onClose(BridgeClient client, io.cometbridge.api.CloseReason reason) {
                log.onClose(client, reason);
            }
        };
        try (BridgeClient client = BridgeClient.builder(bridge.uri()).transports(transport).listener(slow).build()) {
            client.connect().get();
            await().until(() -> upstream.connections.size() == 1);
            upstream.flood(KB, count); // each message sent once the last is on the socket

            await().atMost(Duration.ofSeconds(60)).until(() -> bridge.gateway.stats().clientStalls() > 0);
            long[] last = {-1};
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> { // the service's sends stop
                long now = upstream.flooded.get();
                boolean still = now == last[0];
                last[0] = now;
                return still;
            });
            assertThat(upstream.flooded.get()).as("the service is held back").isLessThan(count);
            assertThat(bridge.gateway.stats().maxUnacknowledged()).isLessThanOrEqualTo(window.messages());
            assertThat(client.state()).isEqualTo(BridgeClient.State.OPEN); // never closed 4002 for the gateway's relaying

            stuck.countDown();
            await().atMost(Duration.ofSeconds(120)).until(() -> log.messages.size() == count);
            for (int i = 0; i < count; i++) assertThat(log.messages.get(i).text()).isEqualTo(KB + i);
            assertThat(log.closes).isEmpty();
            assertThat(bridge.gateway.stats().maxUnacknowledged()).isLessThanOrEqualTo(window.messages());
        }
    }
}
