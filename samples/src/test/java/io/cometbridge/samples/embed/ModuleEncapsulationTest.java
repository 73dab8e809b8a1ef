package io.cometbridge.samples.embed;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.File;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14 item 3, "internals not exported": the jars this build packaged are explicit modules
 * that export the application's packages and nothing else, and an application module that imports
 * an internal package (the delivery channel, the utilities, the transport SPI) or a package-private
 * class of an exported one does not compile against them. The compiler runs in this JVM on the module path: the packaged jars, and
 * the Jetty, gson and SLF4J jars of this test's class path.
 */
class ModuleEncapsulationTest {
    /** Module name: artifactId and the folder it is built in. */
    static final Map<String, String[]> JARS = Map.of(
            "io.cometbridge.core", new String[] {"bridge-core", "bridge/core"},
            "io.cometbridge.client", new String[] {"bridge-client", "bridge/client"},
            "io.cometbridge.server", new String[] {"bridge-server", "bridge/server"},
            "io.cometbridge.redis", new String[] {"bridge-redis", "bridge/redis"},
            "io.cometbridge.metrics", new String[] {"bridge-metrics", "bridge/metrics"},
            "io.cometbridge.polling", new String[] {"legacy-polling", "legacy-polling"},
            "io.cometbridge.gateway", new String[] {"gateway", "gateway"});

    /** What each module exports to every application (README, "Using it as a library"). */
    static final Map<String, Set<String>> API = Map.of(
            "io.cometbridge.core", Set.of("io.cometbridge.api", "io.cometbridge.protocol"),
            "io.cometbridge.client", Set.of("io.cometbridge.client"),
            "io.cometbridge.server", Set.of("io.cometbridge.server", "io.cometbridge.session"),
            "io.cometbridge.redis", Set.of("io.cometbridge.redis"),
            "io.cometbridge.metrics", Set.of("io.cometbridge.metrics"),
            "io.cometbridge.polling", Set.of("io.cometbridge.polling", "io.cometbridge.bayeux"),
            "io.cometbridge.gateway", Set.of("io.cometbridge.gateway"));

    /** The jars an application module below needs besides ours (no Redis or Micrometer: it does not require those modules). */
    private static final Pattern DEPENDENCIES = Pattern.compile("(jetty-|jakarta\\.|gson-|slf4j-api-).*\\.jar");

    static List<Path> ours;

    @BeforeAll
    static void packagedJars() throws Exception {
        String version = ExternalProjectTest.version();
        ours = new ArrayList<>();
        for (String[] a : JARS.values()) {
            Path jar = ExternalProjectTest.ROOT.resolve(a[1] + "/target/" + a[0] + "-" + version + ".jar");
            assertThat(jar).as("built by this reactor (run the build from the root: mvn verify)").exists();
            ours.add(jar);
        }
    }

    @Test
    void everyJarIsAnExplicitModuleExportingItsApiAndQualifyingTheRest() {
        ModuleFinder finder = ModuleFinder.of(ours.toArray(Path[]::new));
        Map<String, Set<String>> exported = new TreeMap<>();
        for (String name : JARS.keySet()) {
            ModuleDescriptor d = finder.find(name).orElseThrow(() -> new AssertionError("no module " + name)).descriptor();
            assertThat(d.isAutomatic()).as(name + " has a module-info").isFalse();
            exported.put(name, d.exports().stream().filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source)
                    .collect(Collectors.toSet()));
            d.exports().stream().filter(ModuleDescriptor.Exports::isQualified).forEach(e ->
                    assertThat(e.targets()).as(name + " shares " + e.source() + " with our modules only")
                            .allMatch(t -> t.startsWith("io.cometbridge.")));
        }
        assertThat(exported).isEqualTo(new TreeMap<>(API));
    }

    @Test
    void anApplicationModuleCompilesAgainstTheApi(@TempDir Path tmp) throws Exception {
        List<String> errors = compile(tmp, Map.of("Api", """
                import io.cometbridge.api.BridgeHandler;
                import io.cometbridge.client.BridgeClient;
                import io.cometbridge.gateway.Gateway;
                import io.cometbridge.polling.LongPollingModule;
                import io.cometbridge.protocol.Message;
                import io.cometbridge.server.BridgeMount;
                import io.cometbridge.session.Bridge;
                import org.eclipse.jetty.server.Server;

                class Api {
                    Object[] uses = {BridgeHandler.class, BridgeClient.class, Gateway.class, LongPollingModule.class,
                            Message.class, BridgeMount.class, Bridge.class, Server.class};
                }
                """));
        assertThat(errors).isEmpty();
    }

    @Test
    void anApplicationModuleThatImportsAnInternalPackageDoesNotCompile(@TempDir Path tmp) throws Exception {
        Map<String, String> internals = Map.of(
                "io.cometbridge.channel", "Channel", // core: shared with the client, server, polling and gateway
                "io.cometbridge.util", "SerialExecutor", // core: shared with the client, server and polling
                "io.cometbridge.transport", "Transport"); // server: the transport SPI, for the polling module
        Map<String, String> sources = new TreeMap<>();
        internals.forEach((pkg, type) -> sources.put("Uses" + type,
                "import " + pkg + "." + type + ";\nclass Uses" + type + " { Class<?> c = " + type + ".class; }\n"));
        String errors = String.join("\n", compile(tmp, sources));
        for (String pkg : internals.keySet()) {
            assertThat(errors).as(pkg).contains("package " + pkg + " is not visible");
            assertThat(errors).containsPattern("package " + Pattern.quote(pkg) + " is declared in module io\\.cometbridge\\.\\w+, "
                    + "which does not export it");
        }
    }

    @Test
    void theSessionsInternalsAndTheWebSocketEndpointAreNotApi(@TempDir Path tmp) throws Exception {
        String errors = String.join("\n", compile(tmp, Map.of("Internals", """
                import io.cometbridge.server.WebSocketTransport;

                class Internals {
                    Object endpoint = new WebSocketTransport(null);
                    Class<?> checkpoints = io.cometbridge.session.Checkpoints.class;
                }
                """)));
        assertThat(errors).contains("io.cometbridge.server.WebSocketTransport is not public in io.cometbridge.server")
                .contains("io.cometbridge.session.Checkpoints is not public in io.cometbridge.session");
    }

    /** Compiles module com.example.peek (requiring all our modules but Redis and metrics) from the given classes; its errors. */
    private static List<String> compile(Path tmp, Map<String, String> classes) throws Exception {
        Path src = tmp.resolve("src");
        Files.createDirectories(src.resolve("com/example/peek"));
        Files.writeString(src.resolve("module-info.java"), """
                module com.example.peek {
                    requires io.cometbridge.server;
                    requires io.cometbridge.polling;
                    requires io.cometbridge.client;
                    requires io.cometbridge.gateway;
                }
                """);
        List<Path> files = new ArrayList<>(List.of(src.resolve("module-info.java")));
        for (var c : classes.entrySet()) {
            Path file = src.resolve("com/example/peek/" + c.getKey() + ".java");
            Files.writeString(file, "package com.example.peek;\n\n" + c.getValue());
            files.add(file);
        }
        List<Path> modulePath = new ArrayList<>(ours);
        Stream.of(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
                .filter(p -> DEPENDENCIES.matcher(p.getFileName().toString()).matches()).forEach(modulePath::add);

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, null, null)) {
            // An empty class path: in this JVM the compiler would otherwise take this test's, our classes included.
            Path empty = Files.createDirectories(tmp.resolve("empty"));
            List<String> options = List.of("-d", tmp.resolve("out").toString(), "--class-path", empty.toString(),
                    "--module-path", modulePath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
            javac.getTask(null, fm, diagnostics, options, null, fm.getJavaFileObjectsFromPaths(files)).call();
        }
        return diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .map(d -> d.getMessage(null)).collect(Collectors.toList());
    }
}
