/**
 * The server: the Jetty mount and server ({@code io.cometbridge.server}) and the session registry
 * an application builds and configures ({@code io.cometbridge.session}: {@code Bridge},
 * {@code BridgeConfig}, the {@code SessionLog} store interface, the statistics). The transport SPI is
 * shared with the long-polling module only. In the exported packages, what is not API is
 * package-private where nothing else needs it; the session classes our other modules use
 * ({@code Session}, {@code SessionIds}, {@code RoomRegistry}, ...) are still public.
 */
module io.cometbridge.server {
    requires transitive io.cometbridge.core;
    requires transitive org.eclipse.jetty.server; // BridgeMount is a Jetty Handler, modules make ContextHandlers
    requires org.eclipse.jetty.websocket.core.server; // the WebSocket endpoint is a core FrameHandler
    requires org.eclipse.jetty.websocket.core.common;
    requires org.eclipse.jetty.http2.server; // HTTP/2 beside HTTP/1.1 (HttpProtocols)
    requires org.eclipse.jetty.alpn.server;
    requires com.google.gson; // StatsHandler writes its JSON with gson's writer
    requires org.slf4j;
    requires java.management; // StatsHandler reports the process's CPU time
    requires jdk.management;

    exports io.cometbridge.server;
    exports io.cometbridge.session;

    exports io.cometbridge.transport to io.cometbridge.polling;
}
