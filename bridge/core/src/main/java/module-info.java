/**
 * The application API ({@code io.cometbridge.api}) and the wire protocol's public types
 * ({@code io.cometbridge.protocol}: {@code Message}, error and close codes). The delivery channel and
 * the small utilities are shared by the client and the server only.
 */
module io.cometbridge.core {
    requires com.google.gson;
    requires org.slf4j;
    requires java.management; // SerialExecutor reads thread CPU time

    exports io.cometbridge.api;
    exports io.cometbridge.protocol;

    // The one delivery state machine, driven by both ends; not an application API.
    exports io.cometbridge.channel to
            io.cometbridge.client, io.cometbridge.server, io.cometbridge.polling, io.cometbridge.gateway;
    exports io.cometbridge.util to io.cometbridge.client, io.cometbridge.server, io.cometbridge.polling;
}
