package io.cometbridge.samples.scaleout;

import io.cometbridge.polling.LongPollingModule;
import io.cometbridge.redis.RedisRoomRelay;
import io.cometbridge.redis.RedisSessionLog;
import io.cometbridge.server.BridgeServer;
import io.cometbridge.session.Bridge;
import io.cometbridge.session.BridgeConfig;

import java.time.Duration;

/**
 * One bridge node of a test's cluster, in its own JVM: {@link ScaleOutApp}, both transports,
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
        ScaleOutApp app = new ScaleOutApp();
        Bridge bridge = Bridge.builder(app).config(config).log(log).build();
        app.rooms(bridge.rooms());
        RedisRoomRelay relay = RedisRoomRelay.attach(args[0], bridge.rooms());
        BridgeServer server = BridgeServer.builder(bridge).host("127.0.0.1").port(Integer.parseInt(args[1]))
                .module(new LongPollingModule()).build().start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> { // SIGTERM: drain (the clients move), then stop
            try (log; relay) {
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
