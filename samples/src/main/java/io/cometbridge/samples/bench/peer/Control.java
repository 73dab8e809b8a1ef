package io.cometbridge.samples.bench.peer;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The control API every server under test offers beside its real-time endpoints (same paths for
 * all three): start a fan-out broadcast, ask how far it got, collect garbage. Its traffic goes
 * through the JDK's client, not the load generator's, so it is never counted as wire bytes.
 */
public final class Control {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;

    public Control(int port) {
        this.base = URI.create("http://127.0.0.1:" + port + "/bench/");
    }

    /** Broadcasts {@code rate} messages/s for {@code seconds} to the fan-out room; returns how many it will send. */
    public long startBroadcast(double rate, double seconds, int size) throws IOException, InterruptedException {
        return call("POST", "broadcast?rate=" + rate + "&seconds=" + seconds + "&size=" + size).get("total").getAsLong();
    }

    public long broadcastSent() throws IOException, InterruptedException {
        return call("GET", "broadcast").get("sent").getAsLong();
    }

    public boolean broadcastRunning() throws IOException, InterruptedException {
        return call("GET", "broadcast").get("running").getAsBoolean();
    }

    /** A full garbage collection in the server (before memory is read from /proc). */
    public void gc() throws IOException, InterruptedException {
        call("POST", "gc");
    }

    private JsonObject call(String method, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException(method + " " + request.uri() + " answered " + r.statusCode());
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }
}
