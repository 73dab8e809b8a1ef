package io.cometbridge.bayeux;

import io.cometbridge.api.BridgeSession;
import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.polling.LongPollingModule;
import io.cometbridge.protocol.Message;
import io.cometbridge.testing.ClientLog;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TcpRelay;
import io.cometbridge.testing.TestServer;

import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * The loss test's world: a bridge with the Bayeux endpoint, a native client (direct) in room
 * {@code loss/up}, and a relay in front of the Bayeux client that cuts its connections over and over.
 * Down: the native client sends {"n":i}, the application broadcasts it to room {@code loss/down}
 * (channel {@code /loss/down}). Up: the Bayeux client publishes {"n":i} on {@code /loss/up}, which
 * the bridge broadcasts to the native client.
 */
final class LossHarness implements AutoCloseable {
    static final int COUNT = Integer.getInteger("bayeux.loss.count", 10_000);
    private static final Pattern N = Pattern.compile("\"n\":(\\d+)");

    final TestServer server;
    final TcpRelay relay;
    final ClientLog nativeLog = new ClientLog();
    final BridgeClient nativeClient;
    final AtomicInteger cuts = new AtomicInteger();
    private final AtomicBoolean cutting = new AtomicBoolean();
    private Thread cutter;

    LossHarness() throws Exception {
        RecordingApp app = new RecordingApp(RecordingApp.Mode.RECORD) {
            @Override
            public void onOpen(BridgeSession s) {
                if (s.transport() == TransportKind.WEBSOCKET || s.transport() == TransportKind.POLLING) s.join("loss/up");
            }

            @Override
            public void onMessage(BridgeSession s, Message m) {
                if (m.topic() == null) bridgeRooms.broadcast("loss/down", m); // native: down to the Bayeux side
            }
        };
        server = new TestServer(app, TestServer.config().build(), List.of(new LongPollingModule(), new BayeuxModule()));
        relay = new TcpRelay(server.port());
        nativeClient = BridgeClient.builder(server.uri()).listener(nativeLog).build();
        nativeClient.connect().get();
    }

    /** The Bayeux URL through the relay. */
    URI bayeuxUrl() {
        return URI.create("http://127.0.0.1:" + relay.port() + "/bridge/cometd");
    }

    void awaitBayeuxSubscribed() {
        await().until(() -> server.bridge.rooms().size("loss/down") == 1);
    }

    /** Sends {@link #COUNT} messages down, paced so the Bayeux client's replay buffer never fills. */
    CompletableFuture<Void> sendDown() {
        return CompletableFuture.runAsync(() -> {
            for (int i = 0; i < COUNT; i++) {
                nativeClient.send("{\"n\":" + i + "}");
                if (i % 20 == 19) sleep(4);
            }
        });
    }

    /** Cuts every relayed connection every 250 ms (new ones are refused for 40 ms), until {@link #stopCutting()}. */
    void startCutting() {
        cutting.set(true);
        cutter = new Thread(() -> {
            while (cutting.get()) {
                sleep(250);
                if (!cutting.get()) break;
                relay.cut();
                cuts.incrementAndGet();
                sleep(40);
                relay.restore();
            }
        }, "loss-cutter");
        cutter.start();
    }

    void stopCutting() throws InterruptedException {
        cutting.set(false);
        if (cutter != null) cutter.join();
        relay.restore();
    }

    /** What the native client got of the up direction. */
    Stats upStats() {
        Set<Integer> seen = new HashSet<>();
        int duplicates = 0, outOfOrder = 0, highest = -1;
        for (String text : nativeLog.texts()) {
            Matcher m = N.matcher(text);
            if (!m.find()) continue;
            int n = Integer.parseInt(m.group(1));
            if (!seen.add(n)) {
                duplicates++; // a re-publish of one that had arrived: its reply was cut
                continue;
            }
            if (n < highest) outOfOrder++; // first arrivals only
            highest = Math.max(highest, n);
        }
        return new Stats(seen.size(), COUNT - seen.size(), duplicates, outOfOrder);
    }

    record Stats(int distinct, int lost, int duplicates, int outOfOrder) {
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws Exception {
        stopCutting();
        nativeClient.close();
        relay.close();
        server.close();
    }
}
