package io.cometbridge.polling;

import io.cometbridge.api.CloseReason;
import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.protocol.ErrorCode;
import io.cometbridge.protocol.Message;
import io.cometbridge.session.BridgeConfig;
import io.cometbridge.testing.ClientLog;
import io.cometbridge.testing.RecordingApp;
import io.cometbridge.testing.TestServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Issue 9, item 1: every message within the message limit is deliverable on every transport, and
 * a client never loops on one that is not: limits are sized from each other, a client refuses at
 * send what its server announced it would refuse, and gives up (with the reason) on a refusal that
 * retrying cannot cure.
 */
class LimitsFitTest {

    @Test
    void limitsThatCannotCarryTheLargestMessageAreRefusedAtConfiguration() {
        assertThatThrownBy(() -> BridgeConfig.builder().maxMessageBytes(262_144).maxRequestBytes(1 << 20).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sixfold");
        BridgeConfig derived = BridgeConfig.builder().maxMessageBytes(1000).build();
        assertThat(derived.maxRequestBytes()).isEqualTo(6 * 1000 + 130);
    }

    /** 262,144 NUL characters encode to 1.5 MB of JSON: the old 1 MiB request limit answered 413 forever. */
    @ParameterizedTest
    @EnumSource(value = TransportKind.class, names = {"WEBSOCKET", "POLLING"})
    void theLargestMessageOfTheWorstCharactersIsDeliveredBothWays(TransportKind kind) throws Exception {
        BridgeConfig config = TestServer.config().build(); // the defaults: 256 KiB messages
        try (TestServer server = new TestServer(new RecordingApp(RecordingApp.Mode.ECHO), config, List.of(new LongPollingModule()))) {
            ClientLog log = new ClientLog();
            try (BridgeClient c = BridgeClient.builder(server.uri()).transports(kind).listener(log).build()) {
                c.connect().get(10, TimeUnit.SECONDS);
                String worst = "\u0000".repeat(config.maxMessageBytes());
                c.send(worst).get(30, TimeUnit.SECONDS);
                await().until(() -> log.messages.size() == 1);
                assertThat(log.messages.get(0).text()).isEqualTo(worst);
                assertThat(c.state()).isEqualTo(BridgeClient.State.OPEN);
            }
        }
    }

    @Test
    void aMessageAboveTheAnnouncedLimitIsRefusedAtSendAndTheSessionCarriesOn() throws Exception {
        BridgeConfig config = TestServer.config().maxMessageBytes(1000).build();
        try (TestServer server = new TestServer(new RecordingApp(RecordingApp.Mode.ECHO), config, List.of(new LongPollingModule()))) {
            ClientLog log = new ClientLog();
            try (BridgeClient c = BridgeClient.builder(server.uri()).transports(TransportKind.POLLING).listener(log).build()) {
                c.connect().get(10, TimeUnit.SECONDS);
                CompletableFuture<Void> tooBig = c.send("x".repeat(1001));
                assertThatThrownBy(() -> tooBig.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit of 1000");
                c.send("fits").get(10, TimeUnit.SECONDS);
                await().until(() -> log.texts().contains("fits"));
            }
        }
    }

    /**
     * Before its first open frame a client cannot know the server's limit; a message the server then
     * refuses as too large ends the session with that reason instead of being resent forever.
     */
    @ParameterizedTest
    @EnumSource(value = TransportKind.class, names = {"WEBSOCKET", "POLLING"})
    void aRefusalThatRetryingCannotCureEndsTheSessionWithItsReason(TransportKind kind) throws Exception {
        BridgeConfig config = TestServer.config().maxMessageBytes(1000).build();
        RecordingApp app = new RecordingApp(RecordingApp.Mode.RECORD);
        try (TestServer server = new TestServer(app, config, List.of(new LongPollingModule()))) {
            ClientLog log = new ClientLog();
            try (BridgeClient c = BridgeClient.builder(server.uri()).transports(kind).listener(log).build()) {
                CompletableFuture<Void> tooBig = c.send("y".repeat(5000)); // queued before the open frame
                c.connect();
                assertThatThrownBy(() -> tooBig.get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
                await().until(() -> log.closes.size() == 1);
                CloseReason why = log.closes.get(0);
                assertThat(why.code()).isEqualTo(ErrorCode.TOO_LARGE.closeCode());
                assertThat(c.state()).isEqualTo(BridgeClient.State.CLOSED);
                assertThat(server.bridge.sessionsOpened()).as("no re-attach loop").isLessThanOrEqualTo(1);
                assertThat(app.received.values().stream().mapToInt(List::size).sum()).isZero();
            }
        }
    }

    @Test
    void aMessageIsNotLargerOnTheWireThanItsLimitAllows() {
        assertThat(Message.text("\u0000".repeat(10)).wireSize()).isEqualTo(62);
        assertThat(Message.text("é😀").wireSize()).isEqualTo(2 + 2 + 4);
        assertThat(Message.maxWireSize(10)).isEqualTo(62);
        assertThat(Message.binary(new byte[9]).wireSize()).isLessThanOrEqualTo((int) Message.maxWireSize(9));
    }
}
