package io.cometbridge.samples.embed;

import io.cometbridge.api.AuthResult;
import io.cometbridge.api.Authenticator;
import io.cometbridge.api.BridgeHandler;
import io.cometbridge.api.BridgeSession;
import io.cometbridge.polling.LongPollingModule;
import io.cometbridge.protocol.Message;
import io.cometbridge.server.BridgeMount;
import io.cometbridge.server.StaticResourcesModule;
import io.cometbridge.session.Bridge;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Sample: the bridge inside an application's own Jetty 12 server, beside the application's own
 * handler. Users are known by a token the application handed out (here a fixed table); the
 * authenticator accepts an attach whose {@code auth} token is in it, and the chat greets each user
 * by the principal's name.
 *
 * <pre>java -cp samples/target/comet-bridge.jar io.cometbridge.samples.embed.EmbeddedJettySample [port]</pre>
 */
public final class EmbeddedJettySample {
    private static final Map<String, String> TOKENS = Map.of("token-ann", "ann", "token-bob", "bob");

    private EmbeddedJettySample() {
    }

    /** The chat: everyone in one room, each message signed with its sender's principal. */
    static final class Chat implements BridgeHandler {
        volatile Bridge bridge;

        @Override
        public void onOpen(BridgeSession session) {
            session.join("chat");
            session.send("welcome, " + session.principal().getName());
        }

        @Override
        public void onMessage(BridgeSession session, Message message) {
            bridge.rooms().broadcast("chat", Message.text(session.principal().getName() + ": " + message.text()));
        }
    }

    /** Starts the application's server with the bridge at /bridge; stop it to end every session with 4003. */
    public static Server start(int port) throws Exception {
        Chat chat = new Chat();
        Authenticator tokens = Authenticator.of(request -> {
            String user = request.token() == null ? null : TOKENS.get(request.token());
            return user == null ? AuthResult.refuse("unknown token") : AuthResult.accept(user);
        });
        Bridge bridge = Bridge.builder(chat).authenticator(tokens).build();
        chat.bridge = bridge;

        Server server = new Server();
        BridgeMount mount = BridgeMount.builder(bridge)
                .module(new LongPollingModule())                                   // {prefix}/poll/*
                .module(StaticResourcesModule.atPrefix("io/cometbridge/client-js/"))  // {prefix}/client.js for pages
                .build(server);
        HttpConfiguration http = new HttpConfiguration();
        mount.configure(http);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        connector.setIdleTimeout(mount.idleTimeout().toMillis());
        server.addConnector(connector);
        server.setHandler(mount.wrap(new Hello())); // the bridge under /bridge, the application for the rest
        server.start();
        return server;
    }

    /** The application's own handler. */
    static final class Hello extends Handler.Abstract.NonBlocking {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            response.getHeaders().put("Content-Type", "text/plain; charset=utf-8");
            response.write(true, StandardCharsets.UTF_8.encode("the application; the bridge is at /bridge\n"), callback);
            return true;
        }
    }

    public static void main(String[] args) throws Exception {
        Server server = start(args.length > 0 ? Integer.parseInt(args[0]) : 8080);
        System.out.println("application with the bridge on " + server.getURI());
        server.join();
    }
}
