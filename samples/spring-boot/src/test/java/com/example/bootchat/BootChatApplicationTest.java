package com.example.bootchat;

import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The application on an ephemeral loopback port: the Java client chats over each transport, Spring MVC answers beside it. */
class BootChatApplicationTest {
    private ConfigurableApplicationContext app;
    private String base;

    @BeforeEach
    void start() {
        app = SpringApplication.run(BootChatApplication.class, "--server.port=0", "--server.address=127.0.0.1");
        base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @ParameterizedTest
    @EnumSource(value = TransportKind.class, names = {"WEBSOCKET", "POLLING"})
    void theJavaClientChatsWithTheBridgeBean(TransportKind kind) throws Exception {
        CompletableFuture<String> reply = new CompletableFuture<>();
        try (BridgeClient client = BridgeClient.builder(URI.create(base + "/bridge")).transports(kind)
                .listener((c, m) -> reply.complete(m.text())).build()) {
            client.connect().get(20, TimeUnit.SECONDS);
            assertEquals(kind, client.transport());
            client.send("hello from " + kind);
            String text = reply.get(20, TimeUnit.SECONDS);
            assertEquals("echo: hello from " + kind, text);
            System.out.println("SPRING-CHAT-OK " + kind + " " + text);
        }
        HttpClient http = HttpClient.newHttpClient();
        assertEquals("hello from spring", http.send(HttpRequest.newBuilder(URI.create(base + "/hello")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        // The bridge's Origin policy holds inside Boot's server.
        HttpResponse<String> foreign = http.send(HttpRequest.newBuilder(URI.create(base + "/bridge/poll/attach"))
                .header("Origin", "http://evil.example").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"t\":\"attach\",\"last\":0}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, foreign.statusCode(), foreign.body());
    }
}
