package io.cometbridge.samples.embed;

import io.cometbridge.api.AuthResult;
import io.cometbridge.api.Authenticator;
import io.cometbridge.api.BridgeHandler;
import io.cometbridge.polling.BridgeServlets;
import io.cometbridge.protocol.Message;
import io.cometbridge.server.BridgeMount;
import io.cometbridge.server.ContextMount;
import io.cometbridge.session.Bridge;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sample: the bridge inside a servlet application's own context and paths. The application lives
 * at {@code /app} ({@code /app/login?user=NAME} sets its login cookie); the bridge is mounted into
 * that same context at {@code /rt}, so the clients connect to {@code /app/rt} (WebSocket at
 * {@code /app/rt/ws}, long-polling at {@code /app/rt/poll/*}) and the authenticator knows the user
 * by the application's cookie.
 *
 * <pre>java -cp samples/target/comet-bridge.jar io.cometbridge.samples.embed.ServletAppSample [port]</pre>
 */
public final class ServletAppSample {

    private ServletAppSample() {
    }

    public static Server start(int port) throws Exception {
        Map<String, String> logins = new ConcurrentHashMap<>(); // cookie value -> user, the application's own sessions
        BridgeHandler echo = (session, message) -> session.send(Message.text(session.principal().getName() + " said " + message.text()));
        Authenticator byCookie = Authenticator.of(request -> {
            String user = request.cookie("app-login") == null ? null : logins.get(request.cookie("app-login"));
            return user == null ? AuthResult.refuse("log in first") : AuthResult.accept(user);
        });
        Bridge bridge = Bridge.builder(echo).authenticator(byCookie).build();

        Server server = new Server();
        ServletContextHandler application = new ServletContextHandler("/app");
        application.addServlet(new ServletHolder(new ServletContextSample.LoginServlet(logins)), "/login");
        // Long-polling at /rt/poll/*, the WebSocket at /rt/ws and the bridge's checks, in this context ahead of its servlets.
        ContextMount mount = BridgeServlets.addTo(server, application, BridgeMount.builder(bridge).prefix("/rt"));

        HttpConfiguration http = new HttpConfiguration();
        mount.configure(http);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        connector.setIdleTimeout(mount.idleTimeout().toMillis());
        server.addConnector(connector);
        server.setHandler(application);
        server.start();
        return server;
    }

    public static void main(String[] args) throws Exception {
        Server server = start(args.length > 0 ? Integer.parseInt(args[0]) : 8080);
        System.out.println("servlet application at " + server.getURI() + " with the bridge at /app/rt");
        server.join();
    }
}
