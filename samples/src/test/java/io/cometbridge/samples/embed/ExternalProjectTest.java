package io.cometbridge.samples.embed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, "done means": a small Maven project of its own, outside this build, depends on the
 * bridge's artifacts, embeds the bridge in its own Jetty with an authentication hook, and chats
 * with the Java client (its own JUnit test does, under its own Maven build).
 *
 * <p>The outside project is a named module ({@code com.example.chat}, with a {@code module-info.java}
 * that requires ours): Maven compiles it and runs its chat on the module path, so it sees only what
 * our modules export, and its test checks that the bridge's jars came in as explicit modules, not
 * automatic ones. {@link ModuleEncapsulationTest} shows what they do not export.
 *
 * <p>The artifacts this build just packaged are put into a temporary local repository, never into
 * ~/.m2 (shared). Everything else the external build needs comes from ~/.m2 as a file:// mirror,
 * copied into the temporary repository: no network, and ~/.m2 is only read.
 */
class ExternalProjectTest {
    static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();
    /** groupId io.cometbridge: artifactId and the folder it is built in. */
    static final List<String[]> ARTIFACTS = List.of(
            new String[] {"comet-bridge-parent", "."}, new String[] {"bridge-parent", "bridge"},
            new String[] {"bridge-core", "bridge/core"}, new String[] {"bridge-client", "bridge/client"},
            new String[] {"bridge-server", "bridge/server"}, new String[] {"legacy-polling", "legacy-polling"});

    @Test
    void anOutsideProjectEmbedsTheBridgeWithAnAuthHookAndChats(@TempDir Path tmp) throws Exception {
        String version = version();
        Path local = tmp.resolve("repository");
        for (String[] a : ARTIFACTS) install(local, a[0], ROOT.resolve(a[1]), version);

        Path project = tmp.resolve("outside");
        Path main = project.resolve("src/main/java");
        Path test = project.resolve("src/test/java/com/example/chat");
        Files.createDirectories(main.resolve("com/example/chat"));
        Files.createDirectories(test);
        Files.writeString(project.resolve("pom.xml"), POM.replace("@VERSION@", version));
        Files.writeString(main.resolve("module-info.java"), MODULE_INFO);
        Files.writeString(main.resolve("com/example/chat/Chat.java"), CHAT);
        Files.writeString(test.resolve("ChatTest.java"), CHAT_TEST);
        Path m2 = Path.of(System.getProperty("maven.repo.local", System.getProperty("user.home") + "/.m2/repository"));
        Files.writeString(tmp.resolve("settings.xml"), SETTINGS.replace("@M2@", m2.toUri().toString()));

        String sharedBefore = listing(m2.resolve("io/cometbridge"));
        Path log = tmp.resolve("build.log");
        Process build = new ProcessBuilder("mvn", "-B", "-q", "-s", tmp.resolve("settings.xml").toString(),
                "-Dmaven.repo.local=" + local, "test")
                .directory(project.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = build.waitFor(5, TimeUnit.MINUTES);
        if (!ended) build.destroyForcibly().waitFor();
        String output = Files.readString(log);
        assertThat(ended).as("the outside build ended in time:\n" + output).isTrue();
        assertThat(build.exitValue()).as("the outside build:\n" + output).isZero();
        assertThat(output).contains("CHAT-OK WEBSOCKET ann: hello from outside").contains("CHAT-OK POLLING ann: hello from outside")
                .contains("MODULES-OK com.example.chat reads io.cometbridge.server io.cometbridge.polling io.cometbridge.client");
        // The outside test uses API only this build has (BridgeMount, Authenticator): it compiled against these artifacts.
        assertThat(listing(m2.resolve("io/cometbridge"))).as("the shared repository is untouched").isEqualTo(sharedBefore);
    }

    /** Every file below {@code dir} with its size and modification time ("" when there is no such folder). */
    static String listing(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return "";
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).sorted().map(f -> {
                try {
                    return f + " " + Files.size(f) + " " + Files.getLastModifiedTime(f);
                } catch (IOException e) {
                    return f + " unreadable";
                }
            }).reduce("", (a, b) -> a + b + "\n");
        }
    }

    static String version() throws IOException {
        Matcher m = Pattern.compile("<artifactId>comet-bridge-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(m.find()).as("the root POM's version").isTrue();
        return m.group(1);
    }

    /** What {@code mvn install} would put in a local repository: the POM, and the jar unless it is a POM project. */
    static void install(Path repo, String artifactId, Path module, String version) throws IOException {
        Path dir = repo.resolve("io/cometbridge/" + artifactId + "/" + version);
        Files.createDirectories(dir);
        Files.copy(module.resolve("pom.xml"), dir.resolve(artifactId + "-" + version + ".pom"));
        if (Files.readString(module.resolve("pom.xml")).contains("<packaging>pom</packaging>")) return;
        Path jar = module.resolve("target/" + artifactId + "-" + version + ".jar");
        assertThat(jar).as("built by this reactor (run the build from the root: mvn verify)").exists();
        Files.copy(jar, dir.resolve(artifactId + "-" + version + ".jar"));
    }

    private static final String SETTINGS = """
            <settings>
              <mirrors>
                <mirror><id>shared-m2</id><mirrorOf>*</mirrorOf><url>@M2@</url></mirror>
              </mirrors>
            </settings>
            """;

    private static final String POM = """
            <project xmlns="http://maven.apache.org/POM/4.0.0">
              <modelVersion>4.0.0</modelVersion>
              <groupId>com.example</groupId>
              <artifactId>outside-chat</artifactId>
              <version>1.0</version>
              <properties>
                <maven.compiler.release>17</maven.compiler.release>
                <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
              </properties>
              <dependencies>
                <dependency><groupId>io.cometbridge</groupId><artifactId>bridge-server</artifactId><version>@VERSION@</version></dependency>
                <dependency><groupId>io.cometbridge</groupId><artifactId>legacy-polling</artifactId><version>@VERSION@</version></dependency>
                <dependency><groupId>io.cometbridge</groupId><artifactId>bridge-client</artifactId><version>@VERSION@</version></dependency>
                <dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId><version>5.14.1</version><scope>test</scope></dependency>
              </dependencies>
              <build>
                <plugins>
                  <plugin><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
                  <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.13.0</version></plugin>
                  <plugin><artifactId>maven-surefire-plugin</artifactId><version>3.5.4</version>
                    <configuration><redirectTestOutputToFile>false</redirectTestOutputToFile></configuration></plugin>
                </plugins>
              </build>
            </project>
            """;

    /** The outside project is a module of its own; Jetty's Server comes with io.cometbridge.server (requires transitive). */
    private static final String MODULE_INFO = """
            module com.example.chat {
                requires io.cometbridge.server;
                requires io.cometbridge.polling;
                requires io.cometbridge.client;
                exports com.example.chat;
            }
            """;

    /** The outside project's chat, in its module: its Jetty, its authenticator, the Java client. */
    private static final String CHAT = """
            package com.example.chat;

            import io.cometbridge.api.AuthResult;
            import io.cometbridge.api.Authenticator;
            import io.cometbridge.api.BridgeHandler;
            import io.cometbridge.api.TransportKind;
            import io.cometbridge.client.BridgeClient;
            import io.cometbridge.polling.LongPollingModule;
            import io.cometbridge.protocol.Message;
            import io.cometbridge.server.BridgeMount;
            import io.cometbridge.session.Bridge;
            import org.eclipse.jetty.server.Server;
            import org.eclipse.jetty.server.ServerConnector;

            import java.net.URI;
            import java.util.concurrent.CompletableFuture;
            import java.util.concurrent.TimeUnit;

            public final class Chat {
                /** Says "hello from outside" over one transport through a bridge of its own; the transport and the echo. */
                public static String chat(TransportKind kind) throws Exception {
                    BridgeHandler echo = (session, m) -> session.send(Message.text(session.principal().getName() + ": " + m.text()));
                    Authenticator hook = Authenticator.of(r -> "secret".equals(r.token()) ? AuthResult.accept("ann") : AuthResult.refuse("no"));
                    Bridge bridge = Bridge.builder(echo).authenticator(hook).build();
                    Server jetty = new Server();
                    ServerConnector connector = new ServerConnector(jetty);
                    connector.setHost("127.0.0.1");
                    jetty.addConnector(connector);
                    BridgeMount mount = BridgeMount.builder(bridge).module(new LongPollingModule()).build(jetty);
                    jetty.setHandler(mount);
                    jetty.start();
                    try {
                        CompletableFuture<String> reply = new CompletableFuture<>();
                        URI uri = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/bridge");
                        try (BridgeClient client = BridgeClient.builder(uri).transports(kind).tokenProvider(() -> "secret")
                                .listener((c, m) -> reply.complete(m.text())).build()) {
                            client.connect().get(20, TimeUnit.SECONDS);
                            client.send("hello from outside");
                            String text = reply.get(20, TimeUnit.SECONDS);
                            return client.transport() + " " + text;
                        }
                    } finally {
                        jetty.stop();
                    }
                }
            }
            """;

    /** The outside project's own test: runs in its module, on the module path. */
    private static final String CHAT_TEST = """
            package com.example.chat;

            import io.cometbridge.api.TransportKind;
            import io.cometbridge.client.BridgeClient;
            import io.cometbridge.polling.LongPollingModule;
            import io.cometbridge.server.BridgeMount;
            import org.junit.jupiter.api.Test;

            import java.util.stream.Collectors;
            import java.util.stream.Stream;

            import static org.junit.jupiter.api.Assertions.assertEquals;
            import static org.junit.jupiter.api.Assertions.assertFalse;
            import static org.junit.jupiter.api.Assertions.assertTrue;

            class ChatTest {
                @Test
                void chatsOverBothTransports() throws Exception {
                    for (TransportKind kind : new TransportKind[] {TransportKind.WEBSOCKET, TransportKind.POLLING}) {
                        String said = Chat.chat(kind);
                        assertEquals(kind + " ann: hello from outside", said);
                        System.out.println("CHAT-OK " + said);
                    }
                }

                @Test
                void runsAsANamedModuleReadingExplicitModulesOfOurs() {
                    Module self = Chat.class.getModule();
                    assertEquals("com.example.chat", self.getName());
                    String names = Stream.of(BridgeMount.class, LongPollingModule.class, BridgeClient.class).map(c -> {
                        Module m = c.getModule();
                        assertTrue(m.isNamed(), c + " on the module path");
                        assertFalse(m.getDescriptor().isAutomatic(), m + " has a module-info");
                        assertTrue(self.canRead(m), self + " reads " + m);
                        return m.getName();
                    }).collect(Collectors.joining(" "));
                    System.out.println("MODULES-OK " + self.getName() + " reads " + names);
                }
            }
            """;
}
