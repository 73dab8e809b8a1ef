/** The Redis session log and room relay: sessions shared by several nodes. */
module io.cometbridge.redis {
    requires transitive io.cometbridge.server; // RedisSessionLog is a SessionLog
    requires lettuce.core;
    requires com.google.gson; // the stored session state is JSON

    exports io.cometbridge.redis;
}
