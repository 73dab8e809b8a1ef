/** The bridge's counters as Micrometer meters ({@code BridgeMetrics}) and the Prometheus endpoint ({@code PrometheusModule}). */
module io.cometbridge.metrics {
    requires transitive io.cometbridge.server; // PrometheusModule is a BridgeModule
    requires transitive micrometer.core; // BridgeMetrics is a MeterBinder
    requires transitive micrometer.registry.prometheus; // PrometheusModule takes and gives its registry

    exports io.cometbridge.metrics;
}
