package io.cometbridge.samples.soak;

import io.cometbridge.api.BridgeHandler;
import io.cometbridge.api.BridgeSession;
import io.cometbridge.polling.LongPollingModule;
import io.cometbridge.protocol.Message;
import io.cometbridge.server.BridgeServer;
import io.cometbridge.session.Bridge;
import io.cometbridge.session.BridgeConfig;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The server side of the soak ({@link Soak} starts it as its own JVM): a bridge with both
 * transports and an echo application. Every {@code --sample-seconds} it collects garbage and
 * prints one line the driver parses:
 *
 * <pre>SOAK-SERVER t=12.0 heapAfterGcMB=41.3 sessions=10000 opened=10250 messagesIn=… threads=… openFiles=…</pre>
 *
 * Arguments: {@code --port=0 --grace-seconds=10 --heartbeat-seconds=15 --sample-seconds=10}.
 * It stops when its standard input closes (the driver ended).
 */
public final class SoakServer {
    public static void main(String[] args) throws Exception {
        int port = Soak.intArg(args, "port", 0);
        int graceSeconds = Soak.intArg(args, "grace-seconds", 10);
        int heartbeatSeconds = Soak.intArg(args, "heartbeat-seconds", 15);
        int sampleSeconds = Soak.intArg(args, "sample-seconds", 10);

        AtomicLong messagesIn = new AtomicLong();
        BridgeHandler echo = new BridgeHandler() {
            @Override
            public void onMessage(BridgeSession session, Message message) {
                messagesIn.incrementAndGet();
                session.send(message);
            }
        };
        BridgeConfig config = BridgeConfig.builder()
                // every load-generator client comes from 127.0.0.1: lift the per-address session rate
                .newSessionsPerSecond(1_000_000).newSessionBurst(1_000_000)
                .gracePeriod(Duration.ofSeconds(graceSeconds))
                .heartbeatInterval(Duration.ofSeconds(heartbeatSeconds))
                .build();
        Bridge bridge = Bridge.builder(echo).config(config).build();
        BridgeServer server = BridgeServer.builder(bridge).host("127.0.0.1").port(port)
                .maxThreads(400).module(new LongPollingModule()).build().start();
        System.out.println("SOAK-SERVER listening port=" + server.port() + " pid=" + ProcessHandle.current().pid());

        long start = System.nanoTime();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> {
            System.gc(); // a full collection: what is left is what the server really holds
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            System.out.printf("SOAK-SERVER t=%.1f heapAfterGcMB=%.1f sessions=%d opened=%d messagesIn=%d threads=%d openFiles=%d%n",
                    (System.nanoTime() - start) / 1e9, used / 1048576.0, bridge.sessionCount(), bridge.sessionsOpened(),
                    messagesIn.get(), Thread.activeCount(), openFiles());
        }, sampleSeconds, sampleSeconds, TimeUnit.SECONDS);

        while (System.in.read() >= 0) {
            // runs until the driver closes our standard input (or dies)
        }
        sampler.shutdownNow();
        server.close();
        System.exit(0);
    }

    static long openFiles() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
