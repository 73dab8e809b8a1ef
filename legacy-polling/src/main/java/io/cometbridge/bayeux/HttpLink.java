package io.cometbridge.bayeux;

import io.cometbridge.api.TransportKind;
import io.cometbridge.transport.ConnectionMeter;
import io.cometbridge.transport.WireTally;

/** One long-polling request: any request of a client belongs to its long-polling transport. */
final class HttpLink implements Link {
    private final String remoteAddress;
    private final ConnectionMeter meter;

    HttpLink(String remoteAddress, ConnectionMeter meter) {
        this.remoteAddress = remoteAddress;
        this.meter = meter;
    }

    @Override
    public TransportKind kind() {
        return TransportKind.BAYEUX_POLLING;
    }

    @Override
    public String connectionType() {
        return "long-polling";
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public void charge(WireTally tally) {
        meter.chargeTo(tally, TransportKind.BAYEUX_POLLING);
    }

    @Override
    public boolean carries(BayeuxTransport t) {
        return t.kind() == TransportKind.BAYEUX_POLLING;
    }

    @Override
    public void attached(BayeuxTransport t) {
    }

    @Override
    public void released(int closeCode, String reason) {
    }
}
