package io.cometbridge.samples.scaleout;

import io.cometbridge.polling.LongPollingModule;
import io.cometbridge.redis.RedisSessionLog;
import io.cometbridge.samples.bench.BenchApp;
import io.cometbridge.server.BridgeServer;
import io.cometbridge.session.Bridge;
import io.cometbridge.session.BridgeConfig;

import java.time.Duration;

/**
 * One bridge node of a test's cluster, in its own JVM: the echo application, both transports,
 * sessions in the Redis named by {@code args[0]}, on loopback port {@code args[1]} (0: any). Prints
 * {@code node listening on PORT} once it serves. SIGTERM drains it (docs/SCALE_OUT.md).
 */
public final class ScaleOutNode {
    private ScaleOutNode() {
    }

    public static void main(String[] args) throws Exception {
        BridgeConfig config = BridgeConfig.builder().newSessionsPerSecond(100_000).newSessionBurst(100_000)
                .heartbeatInterval(Duration.ofSeconds(2)).gracePeriod(Duration.ofSeconds(30)).build();
        RedisSessionLog log = RedisSessionLog.forConfig(args[0], config, "http://127.0.0.1:" + args[1]);
        Bridge bridge = Bridge.builder(new BenchApp()).config(config).log(log).build();
        BridgeServer server = BridgeServer.builder(bridge).host("127.0.0.1").port(Integer.parseInt(args[1]))
                .module(new LongPollingModule()).build().start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> { // SIGTERM: drain (the clients move), then stop
            try (log) {
                server.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }));
        System.out.println("node listening on " + server.port());
        System.out.flush();
        Thread.currentThread().join(); // until killed or stopped
    }
}
