package io.cometbridge.server;

import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32;

/**
 * Serves classpath resources under a root (e.g. {@code web/}) at a context path: the browser
 * client's files, demo pages.
 *
 * <p>Only files with a known type are served ({@link #CONTENT_TYPES}), so a root that is also a
 * Java package never exposes its {@code .class} files. (The browser client's own folder,
 * {@code io/cometbridge/client-js/}, is not a package name on purpose: a named module would hide it.)
 * {@code GET} and {@code HEAD} only; {@code dir/} serves {@code dir/index.html} if there is one and
 * never lists a directory; anything else is the documented JSON {@code not_found}. Every answer
 * says {@code Cache-Control: no-cache} and carries an {@code ETag}, so browsers revalidate cheaply.
 */
public final class StaticResourcesModule implements BridgeModule {

    /** Served extensions and their types; {@code .d.ts} is checked before the generic suffixes. */
    static final Map<String, String> CONTENT_TYPES = Map.of(
            ".html", "text/html; charset=utf-8",
            ".js", "text/javascript; charset=utf-8",
            ".mjs", "text/javascript; charset=utf-8",
            ".d.ts", "application/typescript; charset=utf-8",
            ".css", "text/css; charset=utf-8",
            ".json", "application/json; charset=utf-8",
            ".map", "application/json; charset=utf-8",
            ".svg", "image/svg+xml; charset=utf-8",
            ".txt", "text/plain; charset=utf-8",
            ".ico", "image/x-icon");

    private final UnaryOperator<String> contextPath;
    private final String root;
    private final ClassLoader loader;

    private StaticResourcesModule(UnaryOperator<String> contextPath, String root, ClassLoader loader) {
        if (root.startsWith("/") || (!root.isEmpty() && !root.endsWith("/"))) {
            throw new IllegalArgumentException("root must look like web/ (relative, ending in /)");
        }
        this.contextPath = contextPath;
        this.root = root;
        this.loader = loader;
    }

    /** Serves classpath {@code root} (e.g. {@code "web/"}) at {@code contextPath} (e.g. {@code "/"}). */
    public static StaticResourcesModule at(String contextPath, String root) {
        return at(contextPath, root, StaticResourcesModule.class.getClassLoader());
    }

    public static StaticResourcesModule at(String contextPath, String root, ClassLoader loader) {
        if (!contextPath.startsWith("/")) throw new IllegalArgumentException("context path must start with /");
        return new StaticResourcesModule(prefix -> contextPath, root, loader);
    }

    /** Serves classpath {@code root} at the bridge's own prefix (e.g. {@code /bridge/client.js}). */
    public static StaticResourcesModule atPrefix(String root) {
        return new StaticResourcesModule(prefix -> prefix, root, StaticResourcesModule.class.getClassLoader());
    }

    @Override
    public ContextHandler createContext(ModuleContext ctx) {
        ContextHandler context = new ContextHandler(new FileHandler(), contextPath.apply(ctx.prefix()));
        context.setAllowNullPathInContext(true); // "/bridge" is "/bridge/": a 404, not a redirect
        return context;
    }

    /** The type a file name is served with, or null when files like it are not served. */
    static String contentType(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".d.ts")) return CONTENT_TYPES.get(".d.ts");
        int dot = lower.lastIndexOf('.');
        return dot < 0 ? null : CONTENT_TYPES.get(lower.substring(dot));
    }

    /**
     * The classpath name for a decoded path in the context, or null when the path cannot name a
     * served file: dot segments, hidden files, empty segments, backslashes, control characters.
     */
    String resourceName(String pathInContext) {
        String path = pathInContext == null || pathInContext.isEmpty() ? "/" : pathInContext;
        if (!path.startsWith("/")) return null;
        if (path.endsWith("/")) path += "index.html";
        String relative = path.substring(1);
        for (String segment : relative.split("/", -1)) {
            if (segment.isEmpty() || segment.startsWith(".")) return null;
            for (int i = 0; i < segment.length(); i++) {
                char c = segment.charAt(i);
                if (c < 0x20 || c == 0x7f || c == '\\' || c == ':') return null;
            }
        }
        return contentType(relative) == null ? null : root + relative;
    }

    private final class FileHandler extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String name = resourceName(Request.getPathInContext(request));
            byte[] body = name == null ? null : read(name);
            if (body == null) {
                JsonErrorHandler.write(response, callback, new BridgeException(ErrorCode.NOT_FOUND, "no such file"));
                return true;
            }
            boolean head = HttpMethod.HEAD.is(request.getMethod());
            if (!head && !HttpMethod.GET.is(request.getMethod())) {
                response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
                JsonErrorHandler.write(response, callback, new BridgeException(ErrorCode.METHOD_NOT_ALLOWED, "use GET"));
                return true;
            }
            String etag = etag(body);
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
            response.getHeaders().put(HttpHeader.ETAG, etag);
            response.getHeaders().put("X-Content-Type-Options", "nosniff");
            if (etag.equals(request.getHeaders().get(HttpHeader.IF_NONE_MATCH))) {
                response.setStatus(HttpStatus.NOT_MODIFIED_304);
                response.write(true, BufferUtil.EMPTY_BUFFER, callback);
                return true;
            }
            response.setStatus(HttpStatus.OK_200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType(name));
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            response.write(true, head ? BufferUtil.EMPTY_BUFFER : ByteBuffer.wrap(body), callback);
            return true;
        }
    }

    /** The resource's bytes, or null when it does not exist or is a directory. */
    private byte[] read(String name) {
        URL url = loader.getResource(name);
        if (url == null) return null;
        try {
            if (url.getProtocol().equals("file")) {
                Path file = Path.of(url.toURI());
                return Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
            }
            URLConnection connection = url.openConnection();
            if (connection instanceof JarURLConnection jar && jar.getJarEntry().isDirectory()) return null;
            try (InputStream in = connection.getInputStream()) {
                return in.readAllBytes();
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    private static String etag(byte[] body) {
        CRC32 crc = new CRC32();
        crc.update(body);
        return "\"" + Long.toHexString(crc.getValue()) + "-" + Long.toHexString(body.length) + "\"";
    }
}
