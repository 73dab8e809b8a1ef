package io.cometbridge.bayeux;

import java.util.Objects;

/**
 * How the Bayeux endpoint behaves.
 *
 * @param path               where it is mounted below the bridge prefix (default {@code /cometd})
 * @param policy             what clients may do (default: everything)
 * @param broadcastPublishes whether a publish on a broadcast channel (not {@code /service/**}) is
 *                           broadcast by the bridge to the channel's room after the application's
 *                           {@code onMessage} saw it, as a CometD server does by default (default true)
 * @param directChannel      the channel on which a message sent to one session without a topic
 *                           ({@code session.send(...)}) reaches a Bayeux client (default {@code /service/bridge})
 */
public record BayeuxOptions(String path, BayeuxPolicy policy, boolean broadcastPublishes, String directChannel) {

    public BayeuxOptions {
        Objects.requireNonNull(policy, "policy");
        if (!path.startsWith("/") || path.endsWith("/")) throw new IllegalArgumentException("path must look like /cometd");
        if (!ChannelName.isValid(directChannel) || ChannelName.isWildcard(directChannel) || ChannelName.isMeta(directChannel)) {
            throw new IllegalArgumentException("directChannel must be a plain channel name, not " + directChannel);
        }
    }

    public static BayeuxOptions defaults() {
        return new BayeuxOptions("/cometd", BayeuxPolicy.ALLOW_ALL, true, "/service/bridge");
    }

    public BayeuxOptions withPath(String p) {
        return new BayeuxOptions(p, policy, broadcastPublishes, directChannel);
    }

    public BayeuxOptions withPolicy(BayeuxPolicy p) {
        return new BayeuxOptions(path, p, broadcastPublishes, directChannel);
    }

    public BayeuxOptions withBroadcastPublishes(boolean b) {
        return new BayeuxOptions(path, policy, b, directChannel);
    }

    public BayeuxOptions withDirectChannel(String c) {
        return new BayeuxOptions(path, policy, broadcastPublishes, c);
    }
}
