package io.cometbridge.samples.embed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14 item 2: the Spring Boot sample ({@code samples/spring-boot}, Boot 4.0 on its Jetty 12.1,
 * the bridge as a bean) builds against the artifacts this build just packaged, and its own test
 * starts the application on an ephemeral loopback port and chats with the Java client over both
 * transports. It is built apart (Boot manages its own versions), as {@link ExternalProjectTest}
 * builds its outside project: the bridge's artifacts in a temporary local repository, never in
 * ~/.m2. Boot's artifacts come from ~/.m2 read as a file:// repository (scripts/test.sh fetches
 * them there first), with Maven Central only for what is missing from it.
 */
class SpringBootSampleTest {

    @Test
    @Timeout(value = 9, unit = TimeUnit.MINUTES) // a whole Maven build of its own: above the suite's default 120 s under load
    void theBootSampleServesTheBridgeBeanOverBothTransports(@TempDir Path tmp) throws Exception {
        String version = ExternalProjectTest.version();
        Path local = tmp.resolve("repository");
        for (String[] a : ExternalProjectTest.ARTIFACTS) ExternalProjectTest.install(local, a[0], ExternalProjectTest.ROOT.resolve(a[1]), version);
        Path project = tmp.resolve("boot-chat");
        copy(ExternalProjectTest.ROOT.resolve("samples/spring-boot"), project);
        Path m2 = Path.of(System.getProperty("maven.repo.local", System.getProperty("user.home") + "/.m2/repository"));
        Files.writeString(tmp.resolve("settings.xml"), SETTINGS.replace("@M2@", m2.toUri().toString()));

        String sharedBefore = ExternalProjectTest.listing(m2.resolve("io/cometbridge"));
        Path log = tmp.resolve("build.log");
        Process build = new ProcessBuilder("mvn", "-B", "-q", "-s", tmp.resolve("settings.xml").toString(),
                "-Dmaven.repo.local=" + local, "-Dcomet-bridge.version=" + version, "test")
                .directory(project.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = build.waitFor(8, TimeUnit.MINUTES);
        if (!ended) build.destroyForcibly().waitFor();
        String output = Files.readString(log);
        assertThat(ended).as("the Boot sample's build ended in time:\n" + output).isTrue();
        assertThat(build.exitValue()).as("the Boot sample's build:\n" + output).isZero();
        assertThat(output).contains("SPRING-CHAT-OK WEBSOCKET echo: hello from WEBSOCKET")
                .contains("SPRING-CHAT-OK POLLING echo: hello from POLLING")
                .contains("jetty-12.1."); // Boot's own Jetty server carried the bridge
        assertThat(ExternalProjectTest.listing(m2.resolve("io/cometbridge"))).as("the shared repository is untouched").isEqualTo(sharedBefore);
    }

    /** The sample's pom.xml and src/, without any target/ a build by hand left there. */
    private static void copy(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path rel = from.relativize(f);
                if (rel.startsWith("target")) continue;
                Path dest = to.resolve(rel.toString());
                if (Files.isDirectory(f)) Files.createDirectories(dest);
                else Files.copy(f, dest, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** ~/.m2 as the first repository (read only through file://), Maven Central after it. */
    private static final String SETTINGS = """
            <settings>
              <profiles>
                <profile>
                  <id>shared-m2</id>
                  <repositories>
                    <repository><id>shared-m2</id><url>@M2@</url><snapshots><enabled>false</enabled></snapshots></repository>
                  </repositories>
                  <pluginRepositories>
                    <pluginRepository><id>shared-m2</id><url>@M2@</url><snapshots><enabled>false</enabled></snapshots></pluginRepository>
                  </pluginRepositories>
                </profile>
              </profiles>
              <activeProfiles><activeProfile>shared-m2</activeProfile></activeProfiles>
            </settings>
            """;
}
