package io.cometbridge.bayeux;

import java.util.regex.Pattern;

/**
 * Bayeux channel names and how they map to bridge rooms. A channel is {@code /segment/segment...}
 * (letters, digits and {@code - _ ! ~ ( ) $ @ .}); its last segment may be the wildcard {@code *}
 * (one level) or {@code **} (any depth) in subscriptions. Channel {@code /chat/demo} is room
 * {@code chat/demo}: the same name without its leading slash, wildcards included (the bridge's
 * {@link io.cometbridge.api.Rooms} match wildcard rooms the same way Bayeux matches channels).
 */
final class ChannelName {
    static final int MAX_LENGTH = 256;
    private static final Pattern NAME = Pattern.compile("(/[A-Za-z0-9\\-_!~()$@.]+)+(/\\*\\*?)?|/\\*\\*?");

    private ChannelName() {
    }

    static boolean isValid(String channel) {
        return channel != null && channel.length() <= MAX_LENGTH && NAME.matcher(channel).matches();
    }

    static boolean isMeta(String channel) {
        return channel.startsWith("/meta/");
    }

    /** {@code /service/**}: delivered to the application only, never broadcast. */
    static boolean isService(String channel) {
        return channel.startsWith("/service/");
    }

    static boolean isWildcard(String channel) {
        return channel.endsWith("/*") || channel.endsWith("/**");
    }

    static String room(String channel) {
        return channel.substring(1);
    }

    static String channel(String room) {
        return "/" + room;
    }
}
