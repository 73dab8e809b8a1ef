package io.cometbridge.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Static checks of the deployment files (Dockerfile, docker-compose.yml, .ci/run, scripts/),
 * since no Docker engine runs where the tests do.
 */
class DeploymentFilesTest {

    private static Path repoTop;
    private static String jarName;

    @BeforeAll
    static void locateRepo() throws Exception {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("docker-compose.yml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            fail("no docker-compose.yml in " + Path.of("").toAbsolutePath() + " or any parent");
        }
        repoTop = dir;
        jarName = finalName(repoTop.resolve("samples/pom.xml")) + ".jar";
    }

    // ---------------------------------------------------------------- docker-compose.yml

    @Test
    void composeDefinesBridgeServiceBuiltFromTheDockerfile() throws IOException {
        Map<String, Object> bridge = bridgeService();

        Object build = bridge.get("build");
        assertThat(build).as("services.bridge.build").isNotNull();
        String context;
        String dockerfile = "Dockerfile";
        if (build instanceof String s) {
            context = s;
        } else {
            Map<String, Object> buildMap = map(build, "services.bridge.build");
            context = String.valueOf(buildMap.getOrDefault("context", "."));
            dockerfile = String.valueOf(buildMap.getOrDefault("dockerfile", "Dockerfile"));
        }
        Path contextDir = repoTop.resolve(context).normalize();
        assertThat(contextDir).as("build context").isEqualTo(repoTop.normalize());
        assertThat(contextDir.resolve(dockerfile)).as("Dockerfile named by compose").isRegularFile();
    }

    @Test
    void composePublishesPort8080() throws IOException { // through the load balancer in front of the nodes (ScaleOutDeploymentTest)
        Object ports = service("lb").get("ports");
        assertThat(ports).as("services.lb.ports").isInstanceOf(List.class);
        List<String> mappings = ((List<?>) ports).stream().map(String::valueOf).collect(Collectors.toList());
        assertThat(mappings).contains("8080:8080");
    }

    @Test
    void composeHasHealthcheckAndRestartPolicy() throws IOException {
        Map<String, Object> bridge = bridgeService();
        Map<String, Object> healthcheck = map(bridge.get("healthcheck"), "services.bridge.healthcheck");
        Object test = healthcheck.get("test");
        assertThat(test).as("healthcheck.test").isNotNull();
        if (test instanceof List<?> list) {
            assertThat(list).isNotEmpty();
            assertThat(String.valueOf(list.get(0))).isIn("CMD", "CMD-SHELL");
            assertThat(list.toString()).contains("8080");
        } else {
            assertThat(String.valueOf(test)).contains("8080");
        }
        assertThat(bridge.get("restart")).isEqualTo("unless-stopped");
    }

    // ---------------------------------------------------------------- Dockerfile

    @Test
    void dockerfileHasMavenBuildStageAndJreRuntimeStage() throws IOException {
        List<String> froms = instructions("FROM");
        assertThat(froms).as("FROM lines").hasSizeGreaterThanOrEqualTo(2);

        Matcher build = Pattern.compile("(?i)^maven:3\\.9-eclipse-temurin-17\\s+AS\\s+(\\S+)$")
                .matcher(froms.get(0));
        assertThat(build.matches()).as("first stage: " + froms.get(0)).isTrue();
        String buildStage = build.group(1);

        assertThat(froms.get(froms.size() - 1)).as("runtime stage").startsWith("eclipse-temurin:17-jre");
        assertThat(instructions("COPY"))
                .as("runtime copies the jar from the build stage")
                .anySatisfy(copy -> assertThat(copy)
                        .startsWith("--from=" + buildStage + " ")
                        .contains(jarName));
    }

    @Test
    void dockerfileBuildsTheJarThatSamplesPomProduces() throws IOException {
        List<String> mvnRuns = instructions("RUN").stream()
                .filter(run -> run.contains("mvn "))
                .collect(Collectors.toList());
        assertThat(mvnRuns).as("RUN mvn ...").hasSize(1);
        String run = mvnRuns.get(0);
        assertThat(run).contains("-DskipTests").contains(" package");
        assertThat(run).as("the jar path must be what samples/pom.xml's <finalName> gives")
                .contains("samples/target/" + jarName);
    }

    @Test
    void dockerfileRunsAsNonRootAndExposes8080() throws IOException {
        List<String> users = instructions("USER");
        assertThat(users).as("USER").isNotEmpty();
        assertThat(users.get(users.size() - 1)).isNotIn("root", "0", "0:0");
        assertThat(instructions("EXPOSE")).anySatisfy(expose -> assertThat(expose.split("\\s+")).contains("8080"));
    }

    @Test
    void entrypointRunsTheJarOnAllInterfaces() throws IOException {
        List<String> entrypoints = instructions("ENTRYPOINT");
        assertThat(entrypoints).as("ENTRYPOINT").hasSize(1);
        String raw = entrypoints.get(0);
        List<String> argv;
        if (raw.startsWith("[")) {
            // Exec form is a JSON array, which is also YAML.
            argv = ((List<?>) yaml().load(raw)).stream().map(String::valueOf).collect(Collectors.toList());
        } else {
            argv = List.of(raw.split("\\s+"));
        }
        assertThat(argv).startsWith("java").contains("-jar", "/app/" + jarName);
        int host = argv.indexOf("--host");
        assertThat(host).as("--host given").isNotNegative();
        assertThat(argv.get(host + 1)).isEqualTo("0.0.0.0");
        int port = argv.indexOf("--port");
        assertThat(port).as("--port given").isNotNegative();
        assertThat(argv.get(port + 1)).isEqualTo("8080");
    }

    @Test
    void dockerignoreKeepsBuildOutputAndGitOut() throws IOException {
        List<String> lines = Files.readAllLines(repoTop.resolve(".dockerignore"), StandardCharsets.UTF_8);
        assertThat(lines).contains(".git");
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("target"));
    }

    // ---------------------------------------------------------------- CI and scripts

    @Test
    void ciRunCallsTheTestScript() throws IOException {
        List<String> lines = Files.readAllLines(repoTop.resolve(".ci/run"), StandardCharsets.UTF_8);
        assertThat(lines.get(0)).isEqualTo("#!/usr/bin/env bash");
        assertThat(lines).contains("set -euo pipefail");
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("scripts/test.sh"));
        assertThat(repoTop.resolve("scripts/test.sh")).isRegularFile();
    }

    @Test
    void testScriptInstallsDepsThenRunsMavenVerify() throws IOException {
        String test = Files.readString(repoTop.resolve("scripts/test.sh"), StandardCharsets.UTF_8);
        assertThat(test).contains("scripts/install-test-deps.sh").contains("mvn -B -ntp verify \"$@\"");
        assertThat(test.indexOf("install-test-deps.sh")).isLessThan(test.indexOf("mvn -B -ntp verify"));
        assertThat(repoTop.resolve("scripts/install-test-deps.sh")).isRegularFile();

        String run = Files.readString(repoTop.resolve("scripts/run.sh"), StandardCharsets.UTF_8);
        assertThat(run).contains("samples/target/" + jarName);
    }

    // ---------------------------------------------------------------- helpers

    private static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    private static Map<String, Object> bridgeService() throws IOException {
        return service("bridge");
    }

    private static Map<String, Object> service(String name) throws IOException {
        String text = Files.readString(repoTop.resolve("docker-compose.yml"), StandardCharsets.UTF_8);
        Map<String, Object> compose = map(yaml().load(text), "docker-compose.yml");
        Map<String, Object> services = map(compose.get("services"), "services");
        return map(services.get(name), "services." + name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String what) {
        assertThat(value).as(what).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    /**
     * The arguments of every Dockerfile instruction named {@code keyword}, in order, with line
     * continuations joined and comments dropped.
     */
    private static List<String> instructions(String keyword) throws IOException {
        List<String> logical = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(repoTop.resolve("Dockerfile"), StandardCharsets.UTF_8)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#")) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            if (current.length() > 0) {
                logical.add(current.toString().replaceAll("\\s+", " ").strip());
            }
            current.setLength(0);
        }
        String prefix = keyword.toUpperCase(Locale.ROOT) + " ";
        List<String> result = new ArrayList<>();
        for (String instruction : logical) {
            if (instruction.toUpperCase(Locale.ROOT).startsWith(prefix)) {
                result.add(instruction.substring(prefix.length()).strip());
            }
        }
        return result;
    }

    /** {@code <build><finalName>} of a pom, or artifactId-version when it has none. */
    private static String finalName(Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = factory.newDocumentBuilder().parse(pom.toFile());
        Element project = doc.getDocumentElement();
        Element build = child(project, "build");
        Element finalName = build == null ? null : child(build, "finalName");
        if (finalName != null) {
            return finalName.getTextContent().strip();
        }
        Element parent = child(project, "parent");
        Element version = child(project, "version");
        if (version == null && parent != null) {
            version = child(parent, "version");
        }
        return child(project, "artifactId").getTextContent().strip() + "-" + version.getTextContent().strip();
    }

    private static Element child(Element parent, String name) {
        NodeList children = parent.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            Node node = children.item(i);
            if (node instanceof Element element && name.equals(element.getLocalName() != null
                    ? element.getLocalName() : element.getNodeName())) {
                return element;
            }
        }
        return null;
    }
}
