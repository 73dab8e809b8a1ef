/**
 * The server: the Jetty mount and server ({@code io.cometbridge.server}) and the session registry
 * an application builds and configures ({@code io.cometbridge.session}: {@code Bridge},
 * {@code BridgeConfig}, the {@code SessionLog} store interface, the statistics). The transport SPI is
 * shared with the long-polling module only; the WebSocket transport is not exported at all.
 */
module io.cometbridge.server {
    requires transitive io.cometbridge.core;
    requires transitive org.eclipse.jetty.server; // BridgeMount is a Jetty Handler, modules make ContextHandlers
    requires org.eclipse.jetty.websocket.server;
    requires org.eclipse.jetty.websocket.common;
    requires com.google.gson; // StatsHandler writes its JSON with gson's writer
    requires org.slf4j;
    requires java.management; // StatsHandler reports the process's CPU time
    requires jdk.management;

    exports io.cometbridge.server;
    exports io.cometbridge.session;

    exports io.cometbridge.transport to io.cometbridge.polling;
}
