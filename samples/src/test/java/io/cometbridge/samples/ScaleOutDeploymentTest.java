package io.cometbridge.samples;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml as several nodes (docs/SCALE_OUT.md), checked statically (no Docker engine
 * here): two or more bridge nodes on one Redis, each command a valid one for the server, an nginx
 * round-robin load balancer over every node without stickiness, and a strict squid.
 */
class ScaleOutDeploymentTest {
    private static final Path TOP = top();

    private static Path top() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("docker-compose.yml"))) dir = dir.getParent();
        assertThat(dir).as("a folder with docker-compose.yml").isNotNull();
        return dir;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() throws IOException {
        Map<String, Object> compose = new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(Files.readString(TOP.resolve("docker-compose.yml"), StandardCharsets.UTF_8));
        return (Map<String, Map<String, Object>>) compose.get("services");
    }

    /** The services that run the bridge image. */
    private static Map<String, Map<String, Object>> nodes() throws IOException {
        return services().entrySet().stream().filter(e -> "comet-bridge:latest".equals(e.getValue().get("image")))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    @SuppressWarnings("unchecked")
    private static List<String> command(Map<String, Object> service) {
        return (List<String>) service.get("command");
    }

    @Test
    void twoOrMoreNodesShareOneRedisEachWithItsOwnAddressAndAValidCommand() throws IOException {
        Map<String, Map<String, Object>> nodes = nodes();
        assertThat(nodes).hasSizeGreaterThanOrEqualTo(2);
        assertThat(services()).containsKey("redis");
        for (Map.Entry<String, Map<String, Object>> node : nodes.entrySet()) {
            Main main = new Main();
            new CommandLine(main).parseArgs(command(node.getValue()).toArray(String[]::new));
            main.options.validate();
            assertThat(main.options.redis()).as(node.getKey()).isEqualTo("redis://redis:6379");
            assertThat(main.options.nodeUrl()).as(node.getKey() + " is reached by the others at its service name")
                    .isEqualTo("http://" + node.getKey() + ":8080");
            assertThat(node.getValue().get("stop_grace_period")).as(node.getKey() + " has time to drain").isNotNull();
            assertThat(node.getValue()).as(node.getKey() + " is reached through the load balancer only").doesNotContainKey("ports");
        }
    }

    @Test
    void theLoadBalancerIsRoundRobinOverEveryNodeWithoutStickiness() throws IOException {
        Map<String, Object> lb = services().get("lb");
        assertThat(String.valueOf(lb.get("image"))).startsWith("nginx");
        assertThat(lb.get("volumes").toString()).contains("./deploy/nginx-lb.conf:/etc/nginx/nginx.conf");
        String conf = Files.readString(TOP.resolve("deploy/nginx-lb.conf"));
        for (String node : nodes().keySet()) assertThat(conf).contains("server " + node + ":8080");
        for (String sticky : List.of("ip_hash", "hash ", "sticky", "least_conn")) assertThat(conf).doesNotContain(sticky);
        assertThat(conf).contains("proxy_set_header Upgrade $http_upgrade").contains("proxy_next_upstream error");
    }

    @Test
    void theDemoBrowserPathGoesThroughAStrictSquid() throws IOException {
        Map<String, Object> squid = services().get("squid");
        assertThat(squid.get("volumes").toString()).contains("./deploy/squid.conf:/etc/squid/squid.conf");
        String conf = Files.readString(TOP.resolve("deploy/squid.conf"));
        assertThat(conf).contains("http_access deny CONNECT !SSL_ports").contains("acl SSL_ports port 443");
    }

    @Test
    void redisKeepsWhatItAcknowledged() throws IOException {
        assertThat(services().get("redis").get("command").toString()).contains("--appendonly, yes").contains("--appendfsync, always");
    }
}
