package io.cometbridge.testing;

import io.cometbridge.api.CloseReason;
import io.cometbridge.api.TransportKind;
import io.cometbridge.client.BridgeClient;
import io.cometbridge.protocol.Message;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A client listener that records everything it hears. */
public final class ClientLog implements BridgeClient.Listener {
    public final List<Message> messages = new CopyOnWriteArrayList<>();
    public final List<TransportKind> transports = new CopyOnWriteArrayList<>();
    public final List<CloseReason> closes = new CopyOnWriteArrayList<>();
    public final List<String> sessionsLost = new CopyOnWriteArrayList<>();
    /** The transport each background upgrade left. */
    public final List<TransportKind> upgrades = new CopyOnWriteArrayList<>();
    /** The reason of each WebSocket demotion. */
    public final List<String> demotions = new CopyOnWriteArrayList<>();
    public volatile int opens;

    @Override
    public void onOpen(BridgeClient client) {
        opens++;
    }

    @Override
    public void onMessage(BridgeClient client, Message message) {
        messages.add(message);
    }

    @Override
    public void onClose(BridgeClient client, CloseReason reason) {
        closes.add(reason);
    }

    @Override
    public void onTransportChange(BridgeClient client, TransportKind transport) {
        transports.add(transport);
    }

    @Override
    public void onSessionLost(BridgeClient client, String reason) {
        sessionsLost.add(reason);
    }

    @Override
    public void onUpgraded(BridgeClient client, TransportKind from) {
        upgrades.add(from);
    }

    @Override
    public void onDemoted(BridgeClient client, String reason, long forMillis) {
        demotions.add(reason);
    }

    public List<String> texts() {
        return messages.stream().map(Message::text).toList();
    }
}
