package io.cometbridge.samples.bench.gateway;

import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.protocol.Message;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * C clients in a closed loop on one target: each sends a message stamped with its send time and
 * sends the next when the echo comes back. Direct: the JDK's WebSocket to the service. Through the
 * gateway: the Java bridge client over WebSocket or long-polling.
 */
final class EchoLoop implements AutoCloseable {
    private final Recorder latency = new Recorder(3);
    private final LongAdder completed = new LongAdder();
    private final List<AutoCloseable> clients = new ArrayList<>();
    private final String pad;
    private volatile boolean running = true;

    private EchoLoop(int payload) {
        this.pad = ".".repeat(payload);
    }

    /** {@code clients} JDK WebSockets straight to the service. */
    static EchoLoop direct(URI service, int clients, int payload, HttpClient http) throws Exception {
        EchoLoop loop = new EchoLoop(payload);
        List<CompletableFuture<WebSocket>> opening = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            opening.add(http.newWebSocketBuilder().buildAsync(service, loop.new DirectListener()));
        }
        for (CompletableFuture<WebSocket> f : opening) {
            WebSocket ws = f.get(60, TimeUnit.SECONDS);
            loop.clients.add(ws::abort);
        }
        return loop;
    }

    /** {@code clients} bridge clients through the gateway, over one transport. */
    static EchoLoop bridge(URI bridge, TransportKind kind, int clients, int payload, HttpClient http, Executor executor) throws Exception {
        EchoLoop loop = new EchoLoop(payload);
        List<CompletableFuture<Void>> opening = new ArrayList<>();
        List<BridgeClient> started = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            BridgeClient c = BridgeClient.builder(bridge).transports(kind).httpClient(http).executor(executor)
                    .connectTimeout(Duration.ofSeconds(60)).listener((client, m) -> loop.echoed(m.text(), client::send)).build();
            started.add(c);
            loop.clients.add(c);
            opening.add(c.connect());
        }
        CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        for (BridgeClient c : started) c.send(loop.stamp());
        return loop;
    }

    long completed() {
        return completed.sum();
    }

    /** The latencies since the last call (µs). */
    Histogram interval() {
        return latency.getIntervalHistogram();
    }

    @Override
    public void close() throws Exception {
        running = false;
        for (AutoCloseable c : clients) c.close();
    }

    private String stamp() {
        String t = "e" + System.nanoTime() + ":";
        return t.length() >= pad.length() ? t : t + pad.substring(t.length());
    }

    private void echoed(String text, java.util.function.Consumer<String> sendNext) {
        long sent = Long.parseLong(text, 1, text.indexOf(':'), 10);
        latency.recordValue(Math.max(1, (System.nanoTime() - sent) / 1000));
        completed.increment();
        if (running) sendNext.accept(stamp());
    }

    /** One direct client: the JDK allows one send at a time, so each send follows the last. */
    private final class DirectListener implements WebSocket.Listener {
        private final StringBuilder parts = new StringBuilder();
        private CompletableFuture<WebSocket> lastSend = CompletableFuture.completedFuture(null);

        @Override
        public void onOpen(WebSocket ws) {
            ws.request(1);
            lastSend = ws.sendText(stamp(), true);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            parts.append(data);
            if (last) {
                String text = parts.toString();
                parts.setLength(0);
                echoed(text, next -> lastSend = lastSend.thenCompose(w -> ws.sendText(next, true)));
            }
            ws.request(1);
            return null;
        }
    }
}
