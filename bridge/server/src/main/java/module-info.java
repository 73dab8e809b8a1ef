/**
 * The server: the Jetty mount and server ({@code io.cometbridge.server}) and the session registry
 * an application builds and configures ({@code io.cometbridge.session}: {@code Bridge},
 * {@code BridgeConfig}, the {@code SessionLog} store interface, the statistics). The transport SPI is
 * shared with the long-polling module only. Classes of the exported packages that are not API are
 * package-private, or public with package-private constructors where Jetty needs a public class
 * ({@code WebSocketTransport}).
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
