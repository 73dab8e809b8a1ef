package io.cometbridge.polling;

import io.cometbridge.api.BridgeHandler;
import io.cometbridge.api.BridgeSession;
import io.cometbridge.api.CloseReason;
import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.client.ClientFaults;
import io.cometbridge.protocol.Message;
import io.cometbridge.server.BridgeServer;
import io.cometbridge.session.Bridge;
import io.cometbridge.session.BridgeConfig;
import io.cometbridge.testing.TestServer;
import io.cometbridge.testing.FaultyRelay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chaos: hundreds of sessions stream messages both ways through a {@link FaultyRelay} (cut
 * connections mid-frame, stalls, delays, poll responses dropped after the server wrote them) while
 * their transports are killed and switched between WebSocket and long-polling at random. Every
 * message must arrive exactly once, in order, in its own session.
 *
 * <p>Size: {@code -Dchaos.sessions} (default 200) × {@code -Dchaos.messages} per session and
 * direction (default 2,500): 1,000,000 messages in all. On a busy 2-core machine that takes about
 * 40 s; {@code scripts/chaos.sh} runs it (or any other size) on its own, with other seeds.
 * {@code -Dchaos.seed} replays a run's choices of faults (the timing still differs).
 */
class ChaosTest {
    private static final int SESSIONS = Integer.getInteger("chaos.sessions", 200);
    private static final int EACH_WAY = Integer.getInteger("chaos.messages", 2_500);
    /** Unacknowledged messages per session and direction: keeps every replay buffer far below its bound. */
    private static final int WINDOW = Integer.getInteger("chaos.window", 256);
    /** Pause between two chaos actions (each is one fault of one kind). */
    private static final int FAULT_EVERY_MILLIS = Integer.getInteger("chaos.faultEveryMillis", 10);
    /** Chaos actions per round. */
    private static final int FAULTS_PER_ROUND = Integer.getInteger("chaos.faultsPerRound", 2);
    private static final long SEED = Long.getLong("chaos.seed", System.nanoTime());
    private static final Duration DEADLINE = Duration.ofSeconds(Long.getLong("chaos.deadlineSeconds", 150));

    enum Action { KILL_TRANSPORT, SWITCH_TRANSPORT }

    /** Checks one stream: message i carries its stream's tag and index i, for i = 1, 2, 3, … */
    static final class StreamCheck {
        private String tag;
        long next = 1;
        long duplicated, lost, foreign;

        synchronized void accept(Message m) {
            String s = m.isBinary() ? new String(m.bytes(), StandardCharsets.UTF_8) : m.text();
            int colon = s.indexOf(':');
            String t = s.substring(0, colon);
            long i = Long.parseLong(s.substring(colon + 1));
            if (tag == null) tag = t;
            if (!tag.equals(t)) {
                foreign++;
                return;
            }
            if (i < next) {
                duplicated++;
            } else {
                lost += i - next; // a gap: those are lost (or reordered, which counts the same)
                next = i + 1;
            }
        }

        synchronized long delivered() {
            return next - 1;
        }
    }

    /** Sends 1..EACH_WAY in order with at most WINDOW unacknowledged. */
    static final class Pump {
        private final String tag;
        private final Function<Message, CompletableFuture<Void>> send;
        private int sent;
        private int inFlight;
        final AtomicInteger acked = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();

        Pump(String tag, Function<Message, CompletableFuture<Void>> send) {
            this.tag = tag;
            this.send = send;
        }

        /** Sends whatever the window allows; called again on every acknowledgement. */
        synchronized void pump() {
            while (sent < EACH_WAY && inFlight < WINDOW) {
                sent++;
                inFlight++;
                String body = tag + ":" + sent;
                Message m = sent % 8 == 0 ? Message.binary(body.getBytes(StandardCharsets.UTF_8)) : Message.text(body);
                send.apply(m).whenComplete((v, e) -> {
                    if (e != null) failed.incrementAndGet();
                    else acked.incrementAndGet();
                    synchronized (this) {
                        inFlight--;
                    }
                    pump();
                });
            }
        }

        boolean done() {
            return acked.get() + failed.get() >= EACH_WAY;
        }
    }

    /** The server application: checks what each session receives and streams to each one. */
    static final class App implements BridgeHandler {
        final Map<String, StreamCheck> received = new ConcurrentHashMap<>();
        final Map<String, Pump> pumps = new ConcurrentHashMap<>();
        final Map<String, CloseReason> closed = new ConcurrentHashMap<>();
        private final AtomicInteger opened = new AtomicInteger();

        @Override
        public void onOpen(BridgeSession session) {
            received.put(session.id(), new StreamCheck());
            Pump p = new Pump("s" + opened.incrementAndGet(), session::send);
            pumps.put(session.id(), p);
            p.pump();
        }

        @Override
        public void onMessage(BridgeSession session, Message message) {
            received.get(session.id()).accept(message);
        }

        @Override
        public void onClose(BridgeSession session, CloseReason reason) {
            closed.put(session.id(), reason);
        }
    }

    /** One client with its stream check and pump. */
    static final class Peer implements BridgeClient.Listener {
        final StreamCheck received = new StreamCheck();
        final AtomicInteger sessionsLost = new AtomicInteger();
        final AtomicInteger opens = new AtomicInteger();
        BridgeClient client;
        Pump pump;

        @Override
        public void onMessage(BridgeClient c, Message message) {
            received.accept(message);
        }

        @Override
        public void onOpen(BridgeClient c) {
            opens.incrementAndGet();
        }

        @Override
        public void onSessionLost(BridgeClient c, String reason) {
            sessionsLost.incrementAndGet();
            System.out.println("CHAOS session lost: " + reason);
        }
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void messagesSurviveAHostileNetworkExactlyOnceAndInOrder() throws Exception {
        System.out.printf("CHAOS start: %d sessions x %d messages each way, window %d, seed %d%n",
                SESSIONS, EACH_WAY, WINDOW, SEED);
        App app = new App();
        BridgeConfig config = TestServer.config()
                .gracePeriod(Duration.ofSeconds(60))   // a client stuck behind stalls and backoff keeps its session
                .maxQueuedMessages(4096)               // the default: the window keeps far below it
                .build();
        Bridge bridge = Bridge.builder(app).config(config).build();
        BridgeServer server = BridgeServer.builder(bridge).host("127.0.0.1").port(0).module(new LongPollingModule()).build().start();
        FaultyRelay relay = new FaultyRelay(server.port(), SEED);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        List<Peer> peers = new ArrayList<>();
        Map<Object, AtomicLong> faults = new java.util.LinkedHashMap<>();
        for (FaultyRelay.Fault f : FaultyRelay.Fault.values()) faults.put(f, new AtomicLong());
        for (Action a : Action.values()) faults.put(a, new AtomicLong());
        long maxFds = 0;
        long start = System.nanoTime();
        try {
            URI viaRelay = URI.create("http://127.0.0.1:" + relay.port() + "/bridge");
            List<CompletableFuture<Void>> connects = new ArrayList<>();
            for (int i = 0; i < SESSIONS; i++) {
                Peer peer = new Peer();
                TransportKind[] order = i % 2 == 0
                        ? new TransportKind[]{TransportKind.WEBSOCKET, TransportKind.POLLING}
                        : new TransportKind[]{TransportKind.POLLING, TransportKind.WEBSOCKET};
                peer.client = BridgeClient.builder(viaRelay).httpClient(http).transports(order).listener(peer).build();
                peer.pump = new Pump("c" + i, peer.client::send);
                peers.add(peer);
                connects.add(peer.client.connect());
            }
            CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            long connected = System.nanoTime();
            for (Peer p : peers) p.pump.pump();

            // Chaos until every message in both directions is acknowledged.
            Random random = new Random(SEED);
            long deadline = start + DEADLINE.toNanos();
            int round = 0;
            while (!allDone(peers, app) && System.nanoTime() < deadline) {
                Thread.sleep(FAULT_EVERY_MILLIS);
                for (int k = 0; k < FAULTS_PER_ROUND; k++) {
                    Peer victim = peers.get(random.nextInt(peers.size()));
                    int dice = random.nextInt(6);
                    switch (dice) {
                        case 0 -> {
                            ClientFaults.killTransport(victim.client);
                            faults.get(Action.KILL_TRANSPORT).incrementAndGet();
                        }
                        case 1 -> {
                            TransportKind kind = random.nextBoolean() ? TransportKind.WEBSOCKET : TransportKind.POLLING;
                            victim.client.switchTo(kind);
                            faults.get(Action.SWITCH_TRANSPORT).incrementAndGet();
                        }
                        default -> relay.inject(FaultyRelay.Fault.values()[dice - 2]);
                    }
                }
                if (++round % 10 == 0) maxFds = Math.max(maxFds, openFiles());
            }
            long streamed = System.nanoTime();
            // Let the network settle, then give late duplicates a chance to show up.
            Thread.sleep(300);
            relay.injected().forEach((k, v) -> faults.get(k).set(v));

            long clientToServer = 0, serverToClient = 0, lost = 0, duplicated = 0, foreign = 0, sendFailures = 0, sessionsLost = 0;
            for (Peer p : peers) {
                serverToClient += p.received.delivered();
                lost += p.received.lost + (EACH_WAY - p.received.delivered());
                duplicated += p.received.duplicated;
                foreign += p.received.foreign;
                sendFailures += p.pump.failed.get();
                sessionsLost += p.sessionsLost.get();
            }
            for (StreamCheck c : app.received.values()) {
                clientToServer += c.delivered();
                lost += c.lost + (EACH_WAY - c.delivered());
                duplicated += c.duplicated;
                foreign += c.foreign;
            }
            for (Pump p : app.pumps.values()) sendFailures += p.failed.get();
            lost += (long) (SESSIONS - app.received.size()) * EACH_WAY; // sessions that never opened
            double seconds = (System.nanoTime() - start) / 1e9;
            StringBuilder faultText = new StringBuilder();
            long faultTotal = 0;
            for (var e : faults.entrySet()) {
                faultText.append(' ').append(e.getKey()).append('=').append(e.getValue().get());
                faultTotal += e.getValue().get();
            }
            System.out.printf("CHAOS summary: messages=%d (client->server %d, server->client %d) sessions=%d faults=%d [%s ]"
                            + " lost=%d duplicated=%d foreign=%d sendFailures=%d sessionsLost=%d duration=%.1fs"
                            + " (connect %.1fs, stream %.1fs) relayConnections=%d relayMB=%.1f maxOpenFiles=%d%n",
                    clientToServer + serverToClient, clientToServer, serverToClient, SESSIONS, faultTotal, faultText,
                    lost, duplicated, foreign, sendFailures, sessionsLost, seconds,
                    (connected - start) / 1e9, (streamed - connected) / 1e9, relay.connectionsAccepted(),
                    relay.bytesRelayed() / 1e6, maxFds);

            assertThat(allDone(peers, app)).as("every message acknowledged before the deadline").isTrue();
            assertThat(lost).as("lost").isZero();
            assertThat(duplicated).as("duplicated").isZero();
            assertThat(foreign).as("messages from another session").isZero();
            assertThat(sendFailures).as("send futures failed").isZero();
            assertThat(sessionsLost).as("client sessions lost").isZero();
            assertThat(app.closed).as("server sessions closed").isEmpty();
            assertThat(app.received).hasSize(SESSIONS); // one session per client throughout
            assertThat(clientToServer + serverToClient).isEqualTo(2L * SESSIONS * EACH_WAY);
            for (FaultyRelay.Fault f : FaultyRelay.Fault.values()) {
                assertThat(faults.get(f).get()).as("faults injected: " + f).isPositive();
            }
        } finally {
            for (Peer p : peers) if (p.client != null) p.client.close();
            relay.close();
            server.close();
        }
    }

    private static boolean allDone(List<Peer> peers, App app) {
        if (app.pumps.size() < peers.size()) return false;
        for (Peer p : peers) if (!p.pump.done() || p.received.delivered() < EACH_WAY) return false;
        for (Pump p : app.pumps.values()) if (!p.done()) return false;
        for (StreamCheck c : app.received.values()) if (c.delivered() < EACH_WAY) return false;
        return true;
    }

    private static long openFiles() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
