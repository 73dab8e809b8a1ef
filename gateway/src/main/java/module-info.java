/** Gateway mode: {@code Gateway}, a BridgeHandler that relays each session to its own upstream WebSocket. */
module io.cometbridge.gateway {
    requires transitive io.cometbridge.core; // Gateway is a BridgeHandler
    requires org.eclipse.jetty.websocket.client;
    requires org.slf4j;

    exports io.cometbridge.gateway;
}
