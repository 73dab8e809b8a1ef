package io.cometbridge.session;

import io.cometbridge.api.AttachRequest;
import io.cometbridge.api.BridgeSession;
import io.cometbridge.api.Cohort;
import io.cometbridge.api.TransportKind;
import io.cometbridge.transport.Transport;
import io.cometbridge.transport.WireTally;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What any thread may read of a {@link Session}: its id, state, transport, rooms, attributes and
 * statistics. The session's behaviour (all of it on its executor) is {@link Session}'s; this
 * class only holds the fields other threads read, volatile where the executor writes them.
 */
abstract sealed class SessionView implements BridgeSession permits Session {
    final String id;
    final SessionStats stats;
    final Cohort cohort;
    final SessionRooms rooms;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();

    volatile SessionState state = SessionState.NEW;
    volatile Transport transport;
    volatile AttachRequest attachRequest = AttachRequest.NONE;
    final SessionIdentity identity = new SessionIdentity(attributes);

    SessionView(String id, SessionStats stats, RoomRegistry registry) {
        this.id = id;
        this.stats = stats;
        this.cohort = stats.cohort();
        this.rooms = new SessionRooms(this, registry);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public java.security.Principal principal() {
        return identity.principal();
    }

    @Override
    public Cohort cohort() {
        return cohort;
    }

    @Override
    public TransportKind transport() {
        Transport t = transport;
        return t == null ? null : t.kind();
    }

    @Override
    public boolean isOpen() {
        return state.isOpen();
    }

    public SessionState state() {
        return state;
    }

    @Override
    public void join(String room) {
        if (isOpen() && rooms.join(room)) roomsChanged();
    }

    @Override
    public void leave(String room) {
        if (rooms.leave(room)) roomsChanged();
    }

    /** The session joined or left a room (a durable session stores it: a node taking it over rejoins). */
    abstract void roomsChanged();

    @Override
    public Set<String> rooms() {
        return rooms.names();
    }

    @Override
    public Map<String, Object> attributes() {
        return attributes;
    }

    @Override
    public AttachRequest attachRequest() {
        return attachRequest;
    }

    public SessionStats stats() {
        return stats;
    }

    /** The session's byte and frame counts, for its transports (TransportListener#wireTally). */
    public WireTally wireTally() {
        return stats;
    }
}
