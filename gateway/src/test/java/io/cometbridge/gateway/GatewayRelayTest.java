package io.cometbridge.gateway;

import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.gateway.testing.GatewayBridge;
import io.cometbridge.gateway.testing.TestUpstream;
import io.cometbridge.protocol.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real WebSocket service (Jetty, loopback) behind the gateway, reached with the Java client over
 * both transports: messages cross as they are, both ways, exactly once and in order, however the
 * client moves between transports.
 */
class GatewayRelayTest {
    private static final int COUNT = 100_000;
    private TestUpstream upstream;
    private GatewayBridge bridge;

    @AfterEach
    void stop() throws Exception {
        if (bridge != null) bridge.close();
        if (upstream != null) upstream.close();
    }

    /** Counts what the client receives and how much of it came out of order or twice. */
    static final class Receiver implements BridgeClient.Listener {
        final AtomicLong received = new AtomicLong();
        final AtomicLong wrong = new AtomicLong();
        final ConcurrentLinkedQueue<TransportKind> transports = new ConcurrentLinkedQueue<>();
        final String prefix;
        volatile int opens;

        Receiver(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public void onOpen(BridgeClient client) {
            opens++;
        }

        @Override
        public void onMessage(BridgeClient client, Message m) {
            if (!m.text().equals(prefix + received.getAndIncrement())) wrong.incrementAndGet();
        }

        @Override
        public void onTransportChange(BridgeClient client, TransportKind t) {
            transports.add(t);
        }
    }

    /**
     * Usually 10–20 s. On a machine loaded by other work it may take longer, so the suite's 120 s
     * default gives way to progress checks: a minute without an acknowledgement fails, with the
     * state of every part and every thread's stack.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aHundredThousandEachWayAcrossTransportSwitches() throws Exception {
        upstream = new TestUpstream();
        bridge = new GatewayBridge(GatewayConfig.builder(upstream.uri()), GatewayBridge.config().gracePeriod(Duration.ofSeconds(20)).build());
        Receiver log = new Receiver("m");
        try (BridgeClient client = BridgeClient.builder(bridge.uri()).listener(log).build()) {
            client.connect().get();
            // Switches only: with abrupt kills (ClientFaults.killTransport) about one run in a hundred
            // left the Java client reconnecting without an attach in flight until the session expired,
            // a client-side stall under investigation outside the gateway.
            List<Runnable> plan = List.of(
                    () -> client.switchTo(TransportKind.POLLING).join(),
                    () -> client.switchTo(TransportKind.WEBSOCKET).join(),
                    () -> client.switchTo(TransportKind.POLLING).join(),
                    () -> client.switchTo(TransportKind.WEBSOCKET).join(),
                    () -> client.switchTo(TransportKind.POLLING).join(),
                    () -> client.switchTo(TransportKind.WEBSOCKET).join());
            int step = COUNT / (plan.size() + 1);
            Semaphore window = new Semaphore(2_000); // the client's application paces itself on acknowledgements
            for (int i = 0; i < COUNT; i++) {
                if (!window.tryAcquire(60, TimeUnit.SECONDS)) throw new AssertionError("no acknowledgement for 60 s at " + i + ": " + state(client, log));
                CompletableFuture<Void> acked = client.send("m" + i);
                acked.whenComplete((v, e) -> window.release());
                if ((i + 1) % step == 0 && (i + 1) / step <= plan.size()) plan.get((i + 1) / step - 1).run();
            }
            long[] last = {-1};
            while (log.received.get() < COUNT) { // echoes keep coming, or a minute without one fails
                try {
                    await().atMost(Duration.ofSeconds(60)).until(() -> log.received.get() >= COUNT || log.received.get() > last[0]);
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError("no echo for 60 s: " + state(client, log), e);
                }
                last[0] = log.received.get();
                Thread.sleep(200);
            }

            assertThat(log.wrong.get()).as("echoes out of order, lost or twice").isZero();
            assertThat(log.received.get()).isEqualTo(COUNT);
            assertThat(upstream.received.get()).as("messages the service got").isEqualTo(COUNT);
            assertThat(upstream.outOfOrder.get()).isZero();
            assertThat(bridge.gateway.stats().messagesToUpstream()).isEqualTo(COUNT);
            assertThat(bridge.gateway.stats().messagesToClient()).isEqualTo(COUNT);
            assertThat(bridge.gateway.stats().connects()).as("one upstream connection throughout").isEqualTo(1);
            assertThat(log.opens).as("one session throughout").isEqualTo(1);
            assertThat(log.transports).contains(TransportKind.POLLING, TransportKind.WEBSOCKET);
        }
    }

    /** Where everything stands, and every thread's stack: for a failure that must be understood from its log. */
    private String state(BridgeClient client, Receiver log) {
        StringBuilder s = new StringBuilder("\nclient " + client + "\nreceived " + log.received + ", wrong " + log.wrong
                + "\nservice received " + upstream.received + "\n" + bridge.gateway + "\nsessions " + bridge.bridge.sessions()
                + "\nlinks " + bridge.bridge.sessions().stream().map(x -> x.attributes().values()).toList());
        Thread.getAllStackTraces().forEach((t, stack) -> {
            s.append("\n\"").append(t.getName()).append("\" ").append(t.getState());
            for (StackTraceElement e : stack) s.append("\n    at ").append(e);
        });
        return s.toString();
    }

    @Test
    void binaryCrossesAsBinaryAndTheServiceMaySpeakFirst() throws Exception {
        upstream = new TestUpstream();
        bridge = new GatewayBridge(GatewayConfig.builder(upstream.uri()), GatewayBridge.config().build());
        ConcurrentLinkedQueue<Message> got = new ConcurrentLinkedQueue<>();
        try (BridgeClient client = BridgeClient.builder(bridge.uri()).transports(TransportKind.POLLING)
                .listener((c, m) -> got.add(m)).build()) {
            client.connect().get();
            await().until(() -> upstream.connections.size() == 1); // opened with the session, before any message
            upstream.flood("hello", 3);
            await().until(() -> got.size() == 3);
            assertThat(got).extracting(Message::text).containsExactly("hello0", "hello1", "hello2");
            client.send(Message.binary(new byte[]{0, 1, 2, (byte) 255})).get();
            await().until(() -> got.size() == 4);
            Message echoed = got.stream().skip(3).findFirst().orElseThrow();
            assertThat(echoed.isBinary()).isTrue();
            assertThat(echoed.bytes()).containsExactly(0, 1, 2, 255);
        }
    }

    @Test
    void everySessionHasItsOwnUpstreamConnection() throws Exception {
        upstream = new TestUpstream();
        bridge = new GatewayBridge(GatewayConfig.builder(upstream.uri()), GatewayBridge.config().build());
        URI uri = bridge.uri();
        Receiver a = new Receiver("a");
        Receiver b = new Receiver("b");
        try (BridgeClient ca = BridgeClient.builder(uri).listener(a).build();
             BridgeClient cb = BridgeClient.builder(uri).transports(TransportKind.POLLING).listener(b).build()) {
            ca.connect().get();
            cb.connect().get();
            await().until(() -> upstream.connections.size() == 2);
            for (int i = 0; i < 100; i++) {
                ca.send("a" + i);
                cb.send("b" + i);
            }
            await().until(() -> a.received.get() == 100 && b.received.get() == 100);
            assertThat(a.wrong.get() + b.wrong.get()).isZero(); // each got only its own echoes
            cb.close();
            await().until(() -> upstream.connections.size() == 1); // a session's end closes its upstream
        }
    }
}
