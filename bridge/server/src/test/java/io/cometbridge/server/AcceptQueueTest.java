package io.cometbridge.server;

import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 9 item 8: Jetty's accept queue is the JDK's default backlog of 50 unless set, so a burst of
 * connects (10,000 clients, or a reconnect storm after a restart) overflows it and the kernel drops
 * handshakes that the clients retry only after a second or more.
 */
class AcceptQueueTest {
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer(new RecordingApp(RecordingApp.Mode.ECHO), TestServer.config().build(), List.of());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private ServerConnector connector() {
        return (ServerConnector) server.server.jetty().getConnectors()[0];
    }

    @Test
    void theListenBacklogIsAProductionOne() throws Exception {
        assertThat(connector().getAcceptQueueSize()).isGreaterThanOrEqualTo(1024);
        // What the kernel applied (capped at net.core.somaxconn): ss shows it as the listener's Send-Q.
        int somaxconn = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/core/somaxconn")).get(0).trim());
        int applied = kernelBacklog(server.port());
        assertThat(applied).as("ss Send-Q; somaxconn " + somaxconn + ", configured " + connector().getAcceptQueueSize())
                .isEqualTo(Math.min(connector().getAcceptQueueSize(), somaxconn));
    }

    @Test
    void twoThousandSimultaneousConnectsOverflowNothing() throws Exception {
        int n = 2000;
        long overflowsBefore = listenOverflows();
        List<SocketChannel> channels = new ArrayList<>();
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < n; i++) {
                SocketChannel c = SocketChannel.open();
                channels.add(c);
                c.configureBlocking(false);
                if (!c.connect(new InetSocketAddress("127.0.0.1", server.port()))) c.register(selector, SelectionKey.OP_CONNECT);
            }
            int connected = n - selector.keys().size();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (connected < n && System.nanoTime() < deadline) {
                selector.select(1000);
                for (SelectionKey k : selector.selectedKeys()) {
                    if (((SocketChannel) k.channel()).finishConnect()) {
                        connected++;
                        k.cancel();
                    }
                }
                selector.selectedKeys().clear();
            }
            assertThat(connected).as("connects completed").isEqualTo(n);
            // The server took every one of them (its endpoints), and the kernel dropped none.
            await().atMost(60, TimeUnit.SECONDS).until(() -> connector().getConnectedEndPoints().size() >= n);
            assertThat(listenOverflows() - overflowsBefore).as("handshakes the kernel dropped: full accept queue").isZero();
        } finally {
            for (SocketChannel c : channels) c.close();
        }
    }

    /** The listen backlog the kernel applied to our port (ss -ltn: Send-Q of a listener). */
    static int kernelBacklog(int port) throws Exception {
        Process ss = new ProcessBuilder("ss", "-Hltn", "sport = :" + port).redirectErrorStream(true).start();
        String out = new String(ss.getInputStream().readAllBytes()).trim();
        assertThat(ss.waitFor()).as("ss (iproute2) runs: " + out).isZero();
        String[] columns = out.split("\\s+");
        return Integer.parseInt(columns[2]); // State Recv-Q Send-Q Local Peer
    }

    /** TcpExt ListenOverflows + ListenDrops from /proc/net/netstat (this network namespace). */
    static long listenOverflows() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/net/netstat"));
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (!lines.get(i).startsWith("TcpExt:")) continue;
            String[] names = lines.get(i).split("\\s+"), values = lines.get(i + 1).split("\\s+");
            long sum = 0;
            for (int j = 1; j < names.length; j++) {
                if (names[j].equals("ListenOverflows") || names[j].equals("ListenDrops")) sum += Long.parseLong(values[j]);
            }
            return sum;
        }
        throw new IOException("no TcpExt line in /proc/net/netstat");
    }
}
