package io.cometbridge.auth;

import io.cometbridge.api.AuthRequest;
import io.cometbridge.api.AuthResult;
import io.cometbridge.api.Authenticator;
import io.cometbridge.api.BridgeSession;
import io.cometbridge.api.TransportKind;
import io.cometbridge.bayeux.BayeuxModule;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.polling.LongPollingModule;
import io.cometbridge.server.BridgeServer;
import io.cometbridge.session.Bridge;
import io.cometbridge.testing.ClientLog;
import io.cometbridge.testing.RawWebSocket;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14 item 1: every attach goes through the application's authenticator, over WebSocket,
 * long-polling and the Bayeux endpoint, on a real Jetty with the real Java client. It sees the
 * request (headers, cookies, address) and the attach frame's token; the principal is on the
 * session; a resume is checked again and must be the same principal.
 */
class AuthenticationTest {
    private static final Map<String, String> TOKENS = Map.of("t-alice", "alice", "t-bob", "bob");

    private final HttpClient http = HttpClient.newHttpClient();
    private final RecordingApp app = new RecordingApp(RecordingApp.Mode.ECHO);
    private final Queue<AuthRequest> seen = new ConcurrentLinkedQueue<>();
    private Bridge bridge;
    private BridgeServer server;

    /** Tokens from the attach frame, or the {@code session} cookie; answered later, on another thread, like a remote check. */
    private final Authenticator hook = request -> {
        seen.add(request);
        return CompletableFuture.supplyAsync(() -> {
            String user = request.token() != null ? TOKENS.get(request.token())
                    : "c-carol".equals(request.cookie("session")) ? "carol" : null;
            if ("explode".equals(request.token())) throw new IllegalStateException("identity provider down");
            return user == null ? AuthResult.refuse("unknown token") : AuthResult.accept(user, Map.of("role", user + "-role"));
        }, CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS));
    };

    private void start(Authenticator authenticator) throws Exception {
        bridge = Bridge.builder(app).config(TestServer.config().build()).authenticator(authenticator).build();
        server = BridgeServer.builder(bridge).host("127.0.0.1").port(0)
                .module(new LongPollingModule()).module(new BayeuxModule()).build().start();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) server.close();
    }

    @ParameterizedTest
    @EnumSource(value = TransportKind.class, names = {"WEBSOCKET", "POLLING"})
    void theTokenAndTheRequestReachTheHookAndThePrincipalIsOnTheSession(TransportKind kind) throws Exception {
        start(hook);
        AtomicInteger asked = new AtomicInteger();
        ClientLog log = new ClientLog();
        try (BridgeClient client = BridgeClient.builder(server.uri()).transports(kind).listener(log)
                .header("X-App-Version", "7").tokenProvider(() -> { asked.incrementAndGet(); return "t-alice"; }).build()) {
            client.connect().get(10, TimeUnit.SECONDS);
            BridgeSession session = app.session(client.sessionId());
            assertThat(session.principal().getName()).isEqualTo("alice");
            assertThat(session.attributes()).containsEntry("role", "alice-role");
            AuthRequest request = seen.peek();
            assertThat(request.transport()).isEqualTo(kind);
            assertThat(request.token()).isEqualTo("t-alice");
            assertThat(request.header("x-app-version")).isEqualTo("7");
            assertThat(request.remoteAddress()).isEqualTo("127.0.0.1");
            assertThat(request.resuming()).isFalse();
            assertThat(request.toString()).doesNotContain("t-alice");
            assertThat(asked.get()).isEqualTo(1);
            client.send("hello").get(10, TimeUnit.SECONDS);
            await().atMost(10, TimeUnit.SECONDS).until(() -> log.messages.stream().anyMatch(m -> m.text().equals("hello"))); // echoed
        }
    }

    @Test
    void aCookieIsEnoughWhenTheHookSaysSo() throws Exception {
        start(hook);
        try (BridgeClient client = BridgeClient.builder(server.uri()).header("Cookie", "session=c-carol").build()) {
            client.connect().get(10, TimeUnit.SECONDS);
            assertThat(app.session(client.sessionId()).principal().getName()).isEqualTo("carol");
        }
    }

    @Test
    void aReattachIsCheckedAgainWithAFreshToken() throws Exception {
        start(hook);
        AtomicInteger asked = new AtomicInteger();
        try (BridgeClient client = BridgeClient.builder(server.uri())
                .tokenProvider(() -> { asked.incrementAndGet(); return "t-alice"; }).build()) {
            client.connect().get(10, TimeUnit.SECONDS);
            String sid = client.sessionId();
            client.switchTo(TransportKind.POLLING).get(10, TimeUnit.SECONDS);
            assertThat(client.sessionId()).isEqualTo(sid);
            assertThat(asked.get()).isEqualTo(2);
            AuthRequest resume = List.copyOf(seen).get(seen.size() - 1);
            assertThat(resume.resuming()).isTrue();
            assertThat(resume.transport()).isEqualTo(TransportKind.POLLING);
            assertThat(app.session(sid).principal().getName()).isEqualTo("alice");
        }
    }

    @Test
    void aReattachAsAnotherPrincipalIsRefusedAndTheClientStartsANewSession() throws Exception {
        start(hook);
        AtomicReference<String> token = new AtomicReference<>("t-alice");
        try (BridgeClient client = BridgeClient.builder(server.uri()).tokenProvider(token::get).build()) {
            client.connect().get(10, TimeUnit.SECONDS);
            String alices = client.sessionId();
            token.set("t-bob"); // another user logged in on this page
            client.switchTo(TransportKind.POLLING);
            await().atMost(15, TimeUnit.SECONDS).until(() -> client.sessionId() != null && !client.sessionId().equals(alices)
                    && client.state() == BridgeClient.State.OPEN);
            assertThat(app.session(client.sessionId()).principal().getName()).isEqualTo("bob");
            assertThat(app.session(alices).principal().getName()).isEqualTo("alice"); // bob never got alice's session
        }
    }

    @Test
    void refusalsAreDocumentedOnEveryTransport() throws Exception {
        start(hook);
        HttpResponse<String> polling = post("/poll/attach", "{\"t\":\"attach\",\"last\":0,\"auth\":\"t-mallory\"}");
        assertThat(polling.statusCode()).isEqualTo(401);
        assertThat(polling.body()).contains("\"error\":\"auth_refused\"").contains("unknown token");
        try (RawWebSocket ws = new RawWebSocket(server.port(), "/bridge/ws", null)) {
            ws.sendText("{\"t\":\"attach\",\"last\":0}");
            assertThat(ws.read().text()).contains("auth_refused");
            assertThat(ws.read().closeCode()).isEqualTo(4401);
        }
        // A hook that fails refuses too, without telling the client why.
        HttpResponse<String> failed = post("/poll/attach", "{\"t\":\"attach\",\"last\":0,\"auth\":\"explode\"}");
        assertThat(failed.statusCode()).isEqualTo(401);
        assertThat(failed.body()).contains("auth_refused").doesNotContain("identity provider");
        assertThat(app.opened).isEmpty();
    }

    @Test
    void theJavaClientGivesUpWhenRefused() throws Exception {
        start(hook);
        try (BridgeClient client = BridgeClient.builder(server.uri()).tokenProvider(() -> "t-mallory").build()) {
            assertThatThrownBy(() -> client.connect().get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("auth_refused");
        }
    }

    @Test
    void aHookThatThrowsRefuses() throws Exception {
        start(request -> { throw new IllegalStateException("bug in the hook"); });
        HttpResponse<String> r = post("/poll/attach", "{\"t\":\"attach\",\"last\":0}");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("auth_refused");
    }

    @Test
    void aHookThatNeverAnswersRefusesAtTheAttachTimeout() throws Exception {
        bridge = Bridge.builder(app).config(TestServer.config().attachTimeout(java.time.Duration.ofMillis(300)).build())
                .authenticator(request -> new CompletableFuture<>()).build();
        server = BridgeServer.builder(bridge).host("127.0.0.1").port(0).module(new LongPollingModule()).build().start();
        HttpResponse<String> r = post("/poll/attach", "{\"t\":\"attach\",\"last\":0}");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("auth_refused");
    }

    @Test
    void theBayeuxHandshakeCarriesItsTokenInExt() throws Exception {
        start(hook);
        String handshake = "[{\"channel\":\"/meta/handshake\",\"version\":\"1.0\",\"supportedConnectionTypes\":[\"long-polling\"]%s}]";
        HttpResponse<String> refused = post("/cometd", handshake.formatted(""));
        assertThat(refused.body()).contains("\"successful\":false").contains("401");
        HttpResponse<String> accepted = post("/cometd", handshake.formatted(",\"ext\":{\"auth\":\"t-bob\"}"));
        assertThat(accepted.body()).contains("\"successful\":true");
        String clientId = com.google.gson.JsonParser.parseString(accepted.body()).getAsJsonArray().get(0).getAsJsonObject()
                .get("clientId").getAsString();
        assertThat(app.session(clientId).principal().getName()).isEqualTo("bob");
        assertThat(seen.peek().transport()).isEqualTo(TransportKind.BAYEUX_POLLING);
    }

    @Test
    void withoutAnAuthenticatorSessionsHaveNoPrincipal() throws Exception {
        start(null);
        try (BridgeClient client = BridgeClient.builder(server.uri()).tokenProvider(() -> "ignored").build()) {
            client.connect().get(10, TimeUnit.SECONDS);
            assertThat(app.session(client.sessionId()).principal()).isNull();
        }
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.uri() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
