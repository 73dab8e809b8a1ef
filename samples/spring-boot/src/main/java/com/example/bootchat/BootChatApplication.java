package com.example.bootchat;

import io.cometbridge.api.BridgeHandler;
import io.cometbridge.polling.LongPollingModule;
import io.cometbridge.protocol.Message;
import io.cometbridge.server.BridgeMount;
import io.cometbridge.session.Bridge;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.jetty.JettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Boot application on Boot's Jetty with the bridge as a bean: {@code /bridge} (WebSocket
 * at {@code /bridge/ws}, long-polling at {@code /bridge/poll/*}) beside the application's own
 * Spring MVC endpoints ({@code /hello}).
 */
@SpringBootApplication
public class BootChatApplication {

    public static void main(String[] args) {
        SpringApplication.run(BootChatApplication.class, args);
    }

    /** The bridge, with the application's handler: here it echoes each message to its sender. */
    @Bean
    Bridge bridge() {
        BridgeHandler echo = (session, message) -> session.send(Message.text("echo: " + message.text()));
        return Bridge.builder(echo).build();
    }

    /**
     * Mounts the bridge in Boot's Jetty server at its root, in front of Boot's servlet context: the
     * bridge serves /bridge with all its checks (Host, Origin, limits), Spring MVC everything else.
     * When Boot stops the server, the sessions are closed with 4003 and their clients told first.
     */
    @Bean
    JettyServerCustomizer bridgeMount(Bridge bridge) {
        return server -> {
            BridgeMount mount = BridgeMount.builder(bridge).module(new LongPollingModule()).build(server);
            for (Connector connector : server.getConnectors()) {
                HttpConnectionFactory http = connector.getConnectionFactory(HttpConnectionFactory.class);
                if (http != null) mount.configure(http.getHttpConfiguration());
                // Above the poll hold: a held long poll is an idle connection.
                if (connector instanceof AbstractConnector c) c.setIdleTimeout(mount.idleTimeout().toMillis());
            }
            server.setHandler(mount.wrap(server.getHandler()));
        };
    }

    @RestController
    static class Hello {
        @GetMapping("/hello")
        String hello() {
            return "hello from spring";
        }
    }
}
