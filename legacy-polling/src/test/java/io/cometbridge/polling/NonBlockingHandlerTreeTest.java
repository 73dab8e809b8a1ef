package io.cometbridge.polling;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cometbridge.bayeux.BayeuxModule;
import io.cometbridge.server.BridgeModule;
import io.cometbridge.server.StaticResourcesModule;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server's handler tree never blocks, so Jetty runs each request on the selector thread that
 * read it (no hand-off per request); modules that may block (a servlet context, file reads, an
 * application's own handler) run on pool threads instead, and a request blocked in one of them
 * stalls no polling session.
 */
class NonBlockingHandlerTreeTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch entered = new CountDownLatch(1);
    private TestServer server;

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        if (server != null) server.close();
    }

    /** A module whose handler blocks its thread until the test releases it, as a servlet may (and declines {@code /decline}). */
    private BridgeModule blockingModule() {
        return ctx -> new ContextHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                if (Request.getPathInContext(request).equals("/decline")) return false;
                entered.countDown();
                if (!release.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("never released");
                response.write(true, ByteBuffer.wrap("done".getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        }, ctx.prefix() + "/slow");
    }

    private void start() throws Exception {
        server = new TestServer(new RecordingApp(RecordingApp.Mode.ECHO), TestServer.config().build(),
                List.of(new LongPollingModule(), new BayeuxModule(), StaticResourcesModule.atPrefix("web/"), blockingModule()));
    }

    private HttpResponse<String> post(String path, String body, String sid, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.uri() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (sid != null) b.header("X-Bridge-Session", sid).header("X-Bridge-Key", key);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theTreeIsNonBlockingWithBlockingModulesInIt() throws Exception {
        start();
        assertThat(server.server.jetty().getInvocationType()).isEqualTo(Invocable.InvocationType.NON_BLOCKING);
    }

    @Test
    void aRequestBlockedInAModuleStallsNoPollingSession() throws Exception {
        start();
        CompletableFuture<HttpResponse<String>> slow = http.sendAsync(
                HttpRequest.newBuilder(URI.create(server.uri() + "/slow/wait")).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(entered.await(30, TimeUnit.SECONDS)).as("the blocking module got its request").isTrue();

        // While a thread is blocked there, a polling session opens and exchanges an echo.
        HttpResponse<String> attach = post("/poll/attach", "{\"t\":\"attach\",\"last\":0}", null, null);
        assertThat(attach.statusCode()).as(attach.body()).isEqualTo(200);
        JsonObject open = JsonParser.parseString(attach.body()).getAsJsonArray().get(0).getAsJsonObject();
        HttpResponse<String> echo = post("/poll/recv", "[[1,\"hello\",0]]", open.get("sid").getAsString(), open.get("key").getAsString());
        assertThat(echo.statusCode()).as(echo.body()).isEqualTo(200);
        assertThat(echo.body()).contains("[1,\"hello\"]");
        assertThat(slow).isNotDone();

        release.countDown();
        HttpResponse<String> done = slow.get(30, TimeUnit.SECONDS);
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.body()).isEqualTo("done");
    }

    @Test
    void aBlockingModuleThatDeclinesARequestAnswersTheDocumented404() throws Exception {
        start();
        HttpResponse<String> declined = http.send(HttpRequest.newBuilder(URI.create(server.uri() + "/slow/decline")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(declined.statusCode()).isEqualTo(404);
        assertThat(declined.body()).contains("\"error\":\"not_found\"");
    }
}
