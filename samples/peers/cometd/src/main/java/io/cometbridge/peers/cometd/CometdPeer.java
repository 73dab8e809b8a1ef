package io.cometbridge.peers.cometd;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.cometd.bayeux.Promise;
import org.cometd.bayeux.server.BayeuxServer;
import org.cometd.bayeux.server.LocalSession;
import org.cometd.bayeux.server.ServerChannel;
import org.cometd.bayeux.server.ServerMessage;
import org.cometd.bayeux.server.ServerSession;
import org.cometd.server.AbstractService;
import org.cometd.server.BayeuxServerImpl;
import org.cometd.server.http.JSONHttpTransport;
import org.cometd.server.http.jakarta.CometDServlet;
import org.cometd.server.websocket.jetty.JettyWebSocketTransport;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Context;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * CometD 8 peer of the Comet Bridge benchmark: the same application as the bridge's BenchApp, on
 * CometD's default settings, with Bayeux {@code long-polling} (CometDServlet) and {@code websocket}
 * (Jetty's native WebSocket API) under {@code /cometd}.
 * <ul>
 *   <li>publish to {@code /service/echo}: the data comes back to the sender on {@code /echo};</li>
 *   <li>subscribe to {@code /fan}: the broadcaster publishes there;</li>
 *   <li>control API: {@code POST /bench/broadcast?rate=R&seconds=S&size=B}, {@code GET /bench/broadcast},
 *       {@code POST /bench/gc} (same as the other peers).</li>
 * </ul>
 * Usage: {@code java -jar cometd-peer.jar [--port 0] [--host 127.0.0.1]}. Prints
 * {@code BENCH-SERVER LISTENING <port> PID <pid>} when ready; stops when standard input closes.
 */
public final class CometdPeer {
    static final String FAN = "/fan";

    public static void main(String[] args) throws Exception {
        String host = option(args, "--host", "127.0.0.1");
        int port = Integer.parseInt(option(args, "--port", "0"));

        Server server = new Server();
        // HTTP/1.1, and h2c beside it (prior knowledge or Upgrade) for the benchmark's polling-h2
        HttpConfiguration http = new HttpConfiguration();
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler("/");
        server.setHandler(context);
        // Jetty's WebSocket upgrade in front of the servlets; CometD's JettyWebSocketTransport maps
        // its endpoint into this container.
        WebSocketUpgradeHandler upgrade = WebSocketUpgradeHandler.from(server, context);
        context.insertHandler(upgrade);

        BayeuxServerImpl bayeux = new BayeuxServerImpl();
        bayeux.setOption(BayeuxServerImpl.TRANSPORTS_OPTION,
                JettyWebSocketTransport.class.getName() + "," + JSONHttpTransport.class.getName());
        bayeux.setOption("ws.cometdURLMapping", "/cometd/*");
        bayeux.setOption(Context.class.getName(), context.getContext());
        // CometDServlet uses (and starts) the BayeuxServer it finds here.
        context.setAttribute(BayeuxServer.ATTRIBUTE, bayeux);
        ServletHolder cometd = new ServletHolder(CometDServlet.class);
        cometd.setInitOrder(1);
        context.addServlet(cometd, "/cometd/*");

        Broadcaster broadcaster = new Broadcaster(bayeux);
        context.addServlet(new ServletHolder(new Control(broadcaster)), "/bench/*");

        server.start();
        new EchoService(bayeux);
        bayeux.createChannelIfAbsent(FAN, c -> c.setPersistent(true));

        Runnable stop = () -> {
            try {
                broadcaster.close();
                server.stop();
            } catch (Exception e) {
                // stopping anyway
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "cometd-peer-stop"));
        System.out.println("BENCH-SERVER LISTENING " + connector.getLocalPort() + " PID " + ProcessHandle.current().pid());
        System.out.flush();
        while (System.in.read() >= 0) {
            // the parent holds our standard input open while it wants us running
        }
        System.exit(0);
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(name) && i + 1 < args.length) return args[i + 1];
            if (args[i].startsWith(name + "=")) return args[i].substring(name.length() + 1);
        }
        return fallback;
    }

    /** {@code /service/echo} → the same data back to the sender on {@code /echo}. */
    public static final class EchoService extends AbstractService {
        EchoService(BayeuxServer bayeux) {
            super(bayeux, "bench-echo");
            addService("/service/echo", "echo");
        }

        public void echo(ServerSession remote, ServerMessage message) {
            remote.deliver(getServerSession(), "/echo", message.getData(), Promise.noop());
        }
    }

    /** Publishes {@code rate} messages/s to {@code /fan}, each {@code "f<seq>:<epoch µs>:"} padded to a size. */
    static final class Broadcaster implements AutoCloseable {
        private final BayeuxServerImpl bayeux;
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-broadcaster");
            t.setDaemon(true);
            return t;
        });
        private final AtomicLong sent = new AtomicLong();
        private volatile boolean running;
        private ScheduledFuture<?> task;

        Broadcaster(BayeuxServerImpl bayeux) {
            this.bayeux = bayeux;
        }

        synchronized long start(double rate, double seconds, int size) {
            if (task != null) task.cancel(false);
            ServerChannel fan = bayeux.getChannel(FAN);
            LocalSession local = bayeux.newLocalSession("bench-broadcaster");
            local.handshake();
            ServerSession from = local.getServerSession();
            long total = Math.max(1, Math.round(rate * seconds));
            sent.set(0);
            running = true;
            task = timer.scheduleAtFixedRate(() -> {
                long seq = sent.get() + 1;
                if (seq > total) {
                    running = false;
                    throw new IllegalStateException("done"); // ends the schedule
                }
                fan.publish(from, text(seq, size), Promise.noop());
                sent.set(seq);
            }, 0, Math.max(1000, (long) (1e9 / rate)), TimeUnit.NANOSECONDS);
            return total;
        }

        String status() {
            return "{\"sent\":" + sent.get() + ",\"running\":" + running + "}";
        }

        static String text(long seq, int size) {
            Instant now = Instant.now();
            long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
            StringBuilder b = new StringBuilder(Math.max(size, 32)).append('f').append(seq).append(':').append(micros).append(':');
            while (b.length() < size) b.append('.');
            return b.toString();
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    /** The benchmark's control API. */
    static final class Control extends HttpServlet {
        private final transient Broadcaster broadcaster;

        Control(Broadcaster broadcaster) {
            this.broadcaster = broadcaster;
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String path = request.getPathInfo() == null ? "" : request.getPathInfo();
            String json;
            if (path.equals("/broadcast") && request.getMethod().equals("POST")) {
                long total = broadcaster.start(Double.parseDouble(request.getParameter("rate")),
                        Double.parseDouble(request.getParameter("seconds")), Integer.parseInt(request.getParameter("size")));
                json = "{\"total\":" + total + "}";
            } else if (path.equals("/broadcast")) {
                json = broadcaster.status();
            } else if (path.equals("/gc")) {
                System.gc();
                System.gc();
                json = "{\"gc\":true}";
            } else {
                response.sendError(404);
                return;
            }
            response.setContentType("application/json; charset=utf-8");
            response.setHeader("Cache-Control", "no-store");
            response.getOutputStream().write(json.getBytes(StandardCharsets.UTF_8));
        }
    }
}
