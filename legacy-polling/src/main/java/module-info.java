/**
 * The HTTP long-polling transport ({@code LongPollingModule}, {@code BridgeServlets}) and the
 * Bayeux endpoint for CometD clients ({@code BayeuxModule}).
 */
module io.cometbridge.polling {
    requires transitive io.cometbridge.server;
    requires transitive org.eclipse.jetty.ee10.servlet; // BridgeServlets.addTo takes a ServletContextHandler
    requires org.eclipse.jetty.ee10.websocket.jetty.server;
    requires com.google.gson;
    requires java.net.http; // OwnerForwarding passes a poll on to the node that owns its session

    exports io.cometbridge.polling;
    // To all, and not only because BayeuxModule is API: Jetty calls BayeuxSocket through a public lookup.
    exports io.cometbridge.bayeux;
}
