/**
 * The Java client: {@code BridgeClient} and its builder. Everything else in the package is
 * package-private.
 */
module io.cometbridge.client {
    requires transitive io.cometbridge.core; // BridgeClient speaks Message, TransportKind, CloseReason
    requires java.net.http;
    requires com.google.gson; // a poll's JSON error body
    requires org.slf4j;

    exports io.cometbridge.client;
}
