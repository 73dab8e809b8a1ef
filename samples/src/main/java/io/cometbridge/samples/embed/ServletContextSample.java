package io.cometbridge.samples.embed;

import io.cometbridge.api.AuthResult;
import io.cometbridge.api.Authenticator;
import io.cometbridge.api.BridgeHandler;
import io.cometbridge.api.BridgeSession;
import io.cometbridge.polling.LongPollingModule;
import io.cometbridge.protocol.Message;
import io.cometbridge.server.BridgeMount;
import io.cometbridge.session.Bridge;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sample: a servlet application (an ee10 {@link ServletContextHandler}) with the bridge mounted
 * beside it in the same Jetty server. The application's login servlet sets a session cookie; the
 * bridge's authenticator reads that cookie from the attach request, so the browser needs nothing
 * but the cookie it already has.
 *
 * <pre>java -cp samples/target/comet-bridge.jar io.cometbridge.samples.embed.ServletContextSample [port]</pre>
 */
public final class ServletContextSample {
    private static final SecureRandom RANDOM = new SecureRandom();

    private ServletContextSample() {
    }

    /** Starts the application: {@code /login?user=NAME} sets the cookie, the bridge is at /bridge. */
    public static Server start(int port) throws Exception {
        Map<String, String> logins = new ConcurrentHashMap<>(); // cookie value -> user, the application's own sessions
        BridgeHandler echo = (session, message) -> session.send(Message.text(session.principal().getName() + " said " + message.text()));
        Authenticator byCookie = Authenticator.of(request -> {
            String user = request.cookie("app-login") == null ? null : logins.get(request.cookie("app-login"));
            return user == null ? AuthResult.refuse("log in first") : AuthResult.accept(user);
        });
        Bridge bridge = Bridge.builder(echo).authenticator(byCookie).build();

        ServletContextHandler application = new ServletContextHandler("/");
        application.addServlet(new ServletHolder(new LoginServlet(logins)), "/login");

        Server server = new Server();
        BridgeMount mount = BridgeMount.builder(bridge).module(new LongPollingModule()).build(server);
        HttpConfiguration http = new HttpConfiguration();
        mount.configure(http);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        connector.setIdleTimeout(mount.idleTimeout().toMillis());
        server.addConnector(connector);
        server.setHandler(mount.wrap(application));
        server.start();
        return server;
    }

    /** The application's login: any name, a random cookie (a real application checks a password). */
    static final class LoginServlet extends HttpServlet {
        private final Map<String, String> logins;

        LoginServlet(Map<String, String> logins) {
            this.logins = logins;
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String user = req.getParameter("user");
            if (user == null || user.isBlank()) {
                resp.sendError(400, "user=NAME");
                return;
            }
            byte[] bytes = new byte[18];
            RANDOM.nextBytes(bytes);
            String cookie = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            logins.put(cookie, user);
            Cookie c = new Cookie("app-login", cookie);
            c.setHttpOnly(true);
            c.setPath("/");
            resp.addCookie(c);
            resp.getWriter().println("logged in as " + user);
        }
    }

    public static void main(String[] args) throws Exception {
        Server server = start(args.length > 0 ? Integer.parseInt(args[0]) : 8080);
        System.out.println("servlet application with the bridge on " + server.getURI());
        server.join();
    }
}
