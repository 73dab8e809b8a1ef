package io.cometbridge.server;

import io.cometbridge.session.Bridge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link StaticResourcesModule} on a real server: types, caching headers, the JSON 404, no
 * directory listing, no way out of the root, and resources inside a jar (as in the shaded jar).
 */
class StaticResourcesModuleTest {
    private static final String SECRET = "TOP-SECRET-OUTSIDE-ROOT";

    @TempDir
    static Path tmp;
    private static Bridge bridge;
    private static BridgeServer server;
    private static URLClassLoader jarLoader;

    @BeforeAll
    static void start() throws Exception {
        Path jar = tmp.resolve("web.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String dir : new String[] {"web/", "web/lib/", "web/dir.js/"}) out.putNextEntry(new JarEntry(dir));
            out.putNextEntry(new JarEntry("web/index.html"));
            out.write("<!doctype html>from the jar".getBytes(StandardCharsets.UTF_8));
            out.putNextEntry(new JarEntry("web/lib/x.js"));
            out.write("let x = 1;".getBytes(StandardCharsets.UTF_8));
        }
        jarLoader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);

        bridge = Bridge.builder((session, message) -> { }).build();
        server = BridgeServer.builder(bridge).host("127.0.0.1").port(0)
                .module(StaticResourcesModule.at("/static", "statictest/"))
                .module(StaticResourcesModule.at("/jar", "web/", jarLoader))
                .module(StaticResourcesModule.atPrefix("io/cometbridge/server/"))
                .build().start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        jarLoader.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/static/index.html=text/html; charset=utf-8",
            "/static/app.js=text/javascript; charset=utf-8",
            "/static/types.d.ts=application/typescript; charset=utf-8",
            "/static/style.css=text/css; charset=utf-8",
            "/static/data.json=application/json; charset=utf-8",
            "/static/icon.svg=image/svg+xml; charset=utf-8"})
    void servesEachTypeWithItsContentTypeUncached(String pathAndType) throws IOException {
        String path = pathAndType.substring(0, pathAndType.indexOf('='));
        String type = pathAndType.substring(pathAndType.indexOf('=') + 1);
        Reply r = request("GET", path);
        assertThat(r.status).isEqualTo(200);
        assertThat(r.header("content-type")).isEqualTo(type);
        assertThat(r.header("cache-control")).isEqualTo("no-cache");
        assertThat(r.header("etag")).isNotBlank();
        String expected = new String(getClass().getClassLoader()
                .getResourceAsStream("statictest" + path.substring("/static".length())).readAllBytes(), StandardCharsets.UTF_8);
        assertThat(r.body).isEqualTo(expected);
        assertThat(r.header("content-length")).isEqualTo(String.valueOf(expected.getBytes(StandardCharsets.UTF_8).length));
    }

    @Test
    void directoryServesItsIndexAndNeverAListing() throws IOException {
        assertThat(request("GET", "/static/").body).contains("index page");
        assertThat(request("GET", "/static/sub/").body).contains("sub index");
        for (String path : new String[] {"/static/nolisting/", "/static/nolisting", "/static/sub", "/jar/lib/", "/jar/dir.js"}) {
            Reply r = request("GET", path);
            assertThat(r.status).as(path).isEqualTo(404);
            assertThat(r.body).as(path).doesNotContain("file.txt").doesNotContain("x.js");
            assertJsonNotFound(r);
        }
    }

    @Test
    void missingUnknownTypeHiddenAndClassFilesAreJsonNotFound() throws IOException {
        for (String path : new String[] {"/static/nope.js", "/static/readme.md", "/static/.hidden.txt",
                "/bridge/StaticResourcesModule.class", "/bridge/StaticResourcesModuleTest.class", "/bridge/", "/bridge"}) {
            Reply r = request("GET", path);
            assertThat(r.status).as(path).isEqualTo(404);
            assertJsonNotFound(r);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/static/..%2f..%2fetc/passwd",
            "/static/..%2fstatictest-outside%2fsecret.json",
            "/static/../statictest-outside/secret.json",
            "/static/%2e%2e/statictest-outside/secret.json",
            "/static/.%2e/statictest-outside/secret.json",
            "/static/sub/%2e%2e/%2e%2e/statictest-outside/secret.json",
            "/static/..%5cstatictest-outside%5csecret.json",
            "/static//statictest-outside/secret.json",
            "/static/%2fetc%2fpasswd",
            "/jar/..%2f..%2fMETA-INF/MANIFEST.MF",
            "/bridge/..%2fStaticResourcesModule.class"})
    void pathTraversalNeverLeavesTheRoot(String path) throws IOException {
        Reply r = request("GET", path);
        assertThat(r.status).as(path).isIn(400, 404);
        assertThat(r.body).as(path).doesNotContain(SECRET).doesNotContain("root:").doesNotContain("Manifest");
    }

    @Test
    void headHasTheHeadersWithoutBody() throws IOException {
        Reply r = request("HEAD", "/static/app.js");
        assertThat(r.status).isEqualTo(200);
        assertThat(r.header("content-type")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(r.header("content-length")).isEqualTo("20");
        assertThat(r.body).isEmpty();
    }

    @Test
    void otherMethodsAreRefusedAsJson() throws IOException {
        Reply r = request("POST", "/static/app.js");
        assertThat(r.status).isEqualTo(405);
        assertThat(r.header("allow")).isEqualTo("GET, HEAD");
        assertThat(r.body).contains("\"error\":\"method_not_allowed\"");
    }

    @Test
    void etagRevalidatesWithNotModified() throws IOException {
        String etag = request("GET", "/static/data.json").header("etag");
        Reply r = request("GET", "/static/data.json", "If-None-Match: " + etag);
        assertThat(r.status).isEqualTo(304);
        assertThat(r.body).isEmpty();
    }

    @Test
    void servesFromInsideAJar() throws IOException {
        Reply r = request("GET", "/jar/");
        assertThat(r.status).isEqualTo(200);
        assertThat(r.body).isEqualTo("<!doctype html>from the jar");
        assertThat(request("GET", "/jar/lib/x.js").body).isEqualTo("let x = 1;");
    }

    /** Jetty already refuses most of these with 400; the module refuses them again by itself. */
    @Test
    void resourceNamesNeverEscapeTheRootEvenIfJettyLetThemThrough() {
        StaticResourcesModule m = StaticResourcesModule.at("/", "web/");
        assertThat(m.resourceName("/")).isEqualTo("web/index.html");
        assertThat(m.resourceName("")).isEqualTo("web/index.html");
        assertThat(m.resourceName("/a/b.js")).isEqualTo("web/a/b.js");
        for (String bad : new String[] {"/../x.json", "/a/../../x.json", "/./x.js", "//x.js", "/a//b.js",
                "/..\\x.js", "/a\\b.js", "/x.js\u0000.html", "/.env.json", "/C:/x.js", "x.js", "/a/.."}) {
            assertThat(m.resourceName(bad)).as(bad).isNull();
        }
    }

    @Test
    void contentTypeTable() {
        assertThat(StaticResourcesModule.contentType("client.d.ts")).startsWith("application/typescript");
        assertThat(StaticResourcesModule.contentType("client.js")).startsWith("text/javascript");
        assertThat(StaticResourcesModule.contentType("x.ts")).isNull();
        assertThat(StaticResourcesModule.contentType("Foo.class")).isNull();
        assertThat(StaticResourcesModule.contentType("README")).isNull();
    }

    private static void assertJsonNotFound(Reply r) {
        assertThat(r.header("content-type")).startsWith("application/json");
        assertThat(r.body).contains("\"error\":\"not_found\"");
    }

    // ---------------------------------------------------------------- raw HTTP (no client-side path normalization)

    record Reply(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private static Reply request(String method, String rawPath, String... extraHeaders) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5000);
            StringBuilder req = new StringBuilder(method + " " + rawPath + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
            for (String h : extraHeaders) req.append(h).append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(req.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            String[] head = text.substring(0, split).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                headers.put(head[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), head[i].substring(colon + 1).trim());
            }
            return new Reply(Integer.parseInt(head[0].split(" ")[1]), headers, text.substring(split + 4));
        }
    }
}
