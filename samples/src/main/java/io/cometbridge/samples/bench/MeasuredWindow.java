package io.cometbridge.samples.bench;

import io.cometbridge.samples.bench.load.LoadGenerator;
import io.cometbridge.samples.bench.load.WireCounter;
import io.cometbridge.samples.bench.peer.Deployment;

import java.util.Map;

/**
 * Server CPU (the nodes', and the redis-server's when the run has its own), load-generator CPU
 * and wire bytes over a measured window.
 */
record MeasuredWindow(Deployment deployment, LoadGenerator load, ProcStats server, ProcStats.JvmThreads serverJvm, ProcStats redis, ProcStats self,
                      WireCounter.Reading wire) {
    static MeasuredWindow begin(Deployment deployment, LoadGenerator load) {
        return new MeasuredWindow(deployment, load, ProcStats.sum(deployment.nodePids()), ProcStats.jvmThreads(deployment.nodePids()),
                redisStats(deployment), ProcStats.self(), load.wire());
    }

    private static ProcStats redisStats(Deployment deployment) {
        return deployment.redisPid() > 0 ? ProcStats.of(deployment.redisPid()) : null;
    }

    /** Adds the window's costs, per {@code units} (round trips, deliveries, connects), to {@code m}. */
    void end(Map<String, Double> m, double units) {
        ProcStats server1 = ProcStats.sum(deployment.nodePids());
        ProcStats.JvmThreads serverJvm1 = ProcStats.jvmThreads(deployment.nodePids());
        ProcStats redis1 = redis == null ? null : redisStats(deployment);
        ProcStats self1 = ProcStats.self();
        WireCounter.Reading wire = load.wire().minus(this.wire);
        double n = Math.max(1, units);
        double nodesCpu = server.cpuNanosUntil(server1) / 1000.0, redisCpu = 0;
        m.put("nodeCpuUsPerMsg", nodesCpu / n);
        if (redis != null) { // server CPU = nodes + Redis; each also on its own
            redisCpu = redis.cpuNanosUntil(redis1) / 1000.0;
            m.put("redisCpuUsPerMsg", redisCpu / n);
            m.put("redisCpuPercent", redis.cpuPercentUntil(redis1));
        }
        m.put("serverCpuUsPerMsg", (nodesCpu + redisCpu) / n);
        // Of the nodes' CPU, what their JIT compilers and their garbage collector took (Java servers only: "-" for Node).
        m.put("jitCpuUsPerMsg", serverJvm.jitMicrosUntil(serverJvm1, n));
        m.put("gcCpuUsPerMsg", serverJvm.gcMicrosUntil(serverJvm1, n));
        m.put("wireUpPerMsg", wire.up() / n);
        m.put("wireDownPerMsg", wire.down() / n);
        m.put("serverCpuPercent", server.cpuPercentUntil(server1) + (redis == null ? 0 : redis.cpuPercentUntil(redis1)));
        m.put("loadgenCpuPercent", self.cpuPercentUntil(self1));
        m.put("serverRssMB", server1.rssBytes() < 0 ? Double.NaN : server1.rssBytes() / 1048576.0);
        m.put("seconds", server.secondsUntil(server1));
    }
}
