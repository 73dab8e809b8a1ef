package io.cometbridge.session;

import io.cometbridge.protocol.Message;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where a session's state and its two replay logs are kept beyond the node that carries it
 * (docs/SCALE_OUT.md). The default, {@link #IN_MEMORY}, keeps nothing: the session object is the
 * state, as on a single node. A durable log (Redis) lets another node take a session over when
 * its node dies; then a message is acknowledged to its sender only once a commit holding it is
 * stored. Implementations are thread-safe; their futures may complete on any thread.
 */
public interface SessionLog {

    /** The single-node default: nothing is stored, nothing can be taken over. */
    SessionLog IN_MEMORY = new SessionLog() {
        @Override
        public boolean durable() {
            return false;
        }

        @Override
        public CompletionStage<Outcome> commit(String sid, long generation, Commit commit) {
            return CompletableFuture.completedFuture(Outcome.STORED);
        }

        @Override
        public CompletionStage<Restored> takeOver(String sid, String presentedKey, String principal) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Outcome> touch(String sid, long generation) {
            return CompletableFuture.completedFuture(Outcome.STORED);
        }

        @Override
        public void delete(String sid) {
        }

        @Override
        public CompletionStage<String> ownerOf(String sid) {
            return CompletableFuture.completedFuture(null);
        }
    };

    /** Whether sessions outlive this node (false: the session object is all there is). */
    boolean durable();

    /**
     * Stores what a session did since its last commit, all or nothing, if {@code generation} still
     * owns it (generation 0: creates the session, which must not exist). Completes with what
     * happened; exceptionally when the store could not be reached (nothing is known then).
     */
    CompletionStage<Outcome> commit(String sid, long generation, Commit commit);

    /**
     * Makes this node the session's owner, if {@code presentedKey} is one of its resume keys: the
     * generation goes up, so the previous owner's next commit fails ({@link Outcome#TAKEN_OVER}).
     * Completes with the state to continue from, or null when the session does not exist
     * (expired, closed, or lost with the store's data) or the key is not one of its own (a leaked
     * session id alone moves nothing). {@code principal}: the name the attaching client
     * authenticated as (null: this node has no authenticator, nothing to check); a session stored
     * with another principal, or none, stays where it is, and the stage completes exceptionally with
     * a {@link io.cometbridge.protocol.BridgeException} {@code principal_changed} (someone holding
     * the id and a key but not the credentials moves nothing either).
     */
    CompletionStage<Restored> takeOver(String sid, String presentedKey, String principal);

    /**
     * Keeps an open session's state from expiring (called every heartbeat interval), and tells
     * whether {@code generation} still owns it: a quiet session learns so that it moved or was lost.
     */
    CompletionStage<Outcome> touch(String sid, long generation);

    /** The session ended for good: forget its state. */
    void delete(String sid);

    /**
     * Where requests for a session this node does not hold go (docs/SCALE_OUT.md): the URL of the
     * node that owns it ({@code http://host:port}), or null when it does not exist, has no owner
     * that takes requests, or its owner is this node (which no longer holds it).
     */
    CompletionStage<String> ownerOf(String sid);

    /** A message and its sequence number in one direction. */
    record Entry(long seq, Message message) {
    }

    /**
     * What one commit stores: messages to the client ({@code outbound}, numbered on from the last
     * commit's), messages from the client ({@code inbound}), the highest client message delivered
     * ({@code received}), the highest of ours the client acknowledged ({@code acknowledged}: the
     * outbound log is trimmed to after it), the resume keys the client may hold, the rooms the
     * session is in, and (in the commit that creates the session; null in the others, or without an
     * authenticator) who the session belongs to, and {@code roomsAt}: the position in the relay's
     * log of room broadcasts up to which the session has taken them ({@link RoomRegistry.Relay}; null:
     * none, or no relay), so a node taking it over hands it the later ones.
     */
    record Commit(List<Entry> outbound, List<Entry> inbound, long received, long acknowledged, List<String> keys,
                  List<String> rooms, StoredPrincipal principal, String roomsAt) {
        public Commit(List<Entry> outbound, List<Entry> inbound, long received, long acknowledged, List<String> keys,
                      List<String> rooms, StoredPrincipal principal) {
            this(outbound, inbound, received, acknowledged, keys, rooms, principal, null);
        }

        public Commit(List<Entry> outbound, List<Entry> inbound, long received, long acknowledged, List<String> keys,
                      List<String> rooms) {
            this(outbound, inbound, received, acknowledged, keys, rooms, null, null);
        }
    }

    /**
     * Who a session belongs to, as another node can rebuild it: the name of the principal its
     * opening attach was accepted as, and those of the authenticator's attributes that are strings
     * (other values do not survive a move to another node).
     */
    record StoredPrincipal(String name, Map<String, String> attributes) {
        public StoredPrincipal {
            java.util.Objects.requireNonNull(name, "name");
            attributes = Map.copyOf(attributes);
        }
    }

    /** What happened to a commit. */
    enum Outcome {
        STORED,
        /** Another node took the session over: this one must let it go. */
        TAKEN_OVER,
        /** The store no longer has the session, or not the state this node built on (it lost data). */
        GONE
    }

    /**
     * A session's stored state, to continue it on this node under {@code generation}; {@code principal}
     * is null when the session was opened without an authenticator; {@code roomsAt} as the last
     * commit stored it (null: none).
     */
    record Restored(long generation, long received, long acknowledged, List<String> keys, List<Entry> outbound,
                    List<String> rooms, StoredPrincipal principal, String roomsAt) {
    }
}
