package io.cometbridge.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A polling "server" that answers from a script, for client behaviour a correct bridge never
 * provokes (a resume that leaves a gap, a proxy's bare error pages). Loopback, ephemeral port.
 * Each request to {@code {prefix}/poll/<endpoint>} takes the next answer queued for that endpoint;
 * a recv that carries data frames (an exchange: the client's messages) takes the send script's.
 */
final class ScriptedServer implements AutoCloseable {
    record Answer(int status, String body) {
    }

    private final HttpServer http;
    private final BlockingQueue<Answer> attach = new LinkedBlockingQueue<>();
    private final BlockingQueue<Answer> recv = new LinkedBlockingQueue<>();
    private final BlockingQueue<Answer> send = new LinkedBlockingQueue<>();
    final List<String> requests = new CopyOnWriteArrayList<>();

    ScriptedServer() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.setExecutor(Executors.newCachedThreadPool());
        http.createContext("/bridge/poll/", this::handle);
        http.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/bridge");
    }

    void attach(int status, String body) {
        attach.add(new Answer(status, body));
    }

    void recv(int status, String body) {
        recv.add(new Answer(status, body));
    }

    void send(int status, String body) {
        send.add(new Answer(status, body));
    }

    private void handle(HttpExchange ex) throws IOException {
        String endpoint = ex.getRequestURI().getPath().substring("/bridge/poll/".length());
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(endpoint + " " + body);
        BlockingQueue<Answer> script = switch (endpoint) {
            case "attach" -> attach;
            case "recv" -> body.startsWith("[[") ? send : recv;
            default -> send;
        };
        Answer a;
        try {
            a = script.poll(30, TimeUnit.SECONDS); // an unscripted request waits, like a held poll
        } catch (InterruptedException e) {
            a = null;
        }
        if (a == null) a = new Answer(200, "[]");
        byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", a.body().startsWith("<") ? "text/html" : "application/json");
        ex.sendResponseHeaders(a.status(), out.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(out);
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
