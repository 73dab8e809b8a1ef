package io.cometbridge.samples.bench;

import io.cometbridge.api.BridgeHandler;
import io.cometbridge.api.BridgeSession;
import io.cometbridge.protocol.Message;

/**
 * The benchmark's server application. A text message {@code "j"} joins the fan-out room and is
 * answered {@code "j"}; every other message is echoed back unchanged.
 */
public final class BenchApp implements BridgeHandler {
    public static final String ROOM = "fan";
    public static final String JOIN = "j";

    @Override
    public void onMessage(BridgeSession session, Message message) {
        if (!message.isBinary() && message.text().equals(JOIN)) {
            session.join(ROOM);
            session.send(message);
            return;
        }
        session.send(message);
    }
}
