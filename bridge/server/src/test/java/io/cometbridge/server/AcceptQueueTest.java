package io.cometbridge.server;

import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

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
            // The server took every one of them, and no handshake was lost on the way: a SYN dropped
            // for a full accept queue is resent by the client, a dropped final ACK makes the server
            // resend its SYN-ACK; either shows in that socket's retransmission count.
            long acceptDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (connector().getConnectedEndPoints().size() < n && System.nanoTime() < acceptDeadline) Thread.sleep(50);
            assertThat(handshakeRetransmissions(server.port())).as("SYN / SYN-ACK retransmissions on this port's sockets").isZero();
            assertThat(connector().getConnectedEndPoints()).as("connections the server accepted").hasSize(n);
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

    /**
     * Retransmissions counted by the sockets of this port, both ends (ss -ti: "retrans:now/total";
     * an accepted socket inherits the SYN-ACKs its handshake resent). Per socket, so other programs
     * on the machine do not count, as they would in the kernel's global ListenOverflows.
     */
    static long handshakeRetransmissions(int port) throws Exception {
        Process ss = new ProcessBuilder("ss", "-Htin", "( sport = :" + port + " or dport = :" + port + " )")
                .redirectErrorStream(true).start();
        String out = new String(ss.getInputStream().readAllBytes());
        assertThat(ss.waitFor()).as("ss (iproute2) runs").isZero();
        assertThat(out).as("ss lists the sockets").contains(":" + port);
        long total = 0;
        Matcher m = Pattern.compile("retrans:\\d+/(\\d+)").matcher(out);
        while (m.find()) total += Long.parseLong(m.group(1));
        return total;
    }
}
