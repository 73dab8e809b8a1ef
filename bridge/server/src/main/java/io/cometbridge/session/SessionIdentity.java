package io.cometbridge.session;

import io.cometbridge.api.AuthResult;

import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who a session belongs to: the principal its opening attach was accepted as. Every resume must be
 * accepted as the same principal, so a stolen session id and resume key are not enough to take
 * over another user's session. With shared sessions (docs/SCALE_OUT.md) the principal is stored
 * with the session, so the check still holds on a node that takes it over. Written on the
 * session's executor, read from any thread.
 */
final class SessionIdentity {
    private final Map<String, Object> sessionAttributes;
    private volatile Principal principal;
    private volatile SessionLog.StoredPrincipal stored; // what the session's log keeps of it

    /** {@code sessionAttributes}: the session's, which receive the authenticator's attributes. */
    SessionIdentity(Map<String, Object> sessionAttributes) {
        this.sessionAttributes = sessionAttributes;
    }

    Principal principal() {
        return principal;
    }

    /**
     * Takes an accepted attach: the opening one names the principal (and hands its attributes to
     * the session's); a resume must name the same. Without an authenticator ({@code auth} null) there
     * is nothing to check.
     */
    boolean admit(AuthResult auth, boolean opening) {
        if (auth == null) return true;
        if (opening) {
            principal = auth.principal();
            sessionAttributes.putAll(auth.attributes());
            stored = storable(auth);
            return true;
        }
        return AuthResult.samePrincipal(principal, auth.principal());
    }

    /** What the session's log keeps of it (null: opened without an authenticator, or not yet). */
    SessionLog.StoredPrincipal stored() {
        return stored;
    }

    /** Continues a session another node opened: its principal (by name) and the attributes stored with it. */
    void restore(SessionLog.StoredPrincipal from) {
        if (from == null) return;
        sessionAttributes.putAll(from.attributes());
        principal = AuthResult.accept(from.name()).principal();
        stored = from;
    }

    /** The principal's name and those of the hook's attributes that are strings: what another node can rebuild. */
    private static SessionLog.StoredPrincipal storable(AuthResult auth) {
        Map<String, String> strings = new LinkedHashMap<>();
        auth.attributes().forEach((name, value) -> {
            if (value instanceof String s) strings.put(name, s);
        });
        return new SessionLog.StoredPrincipal(auth.principal().getName(), strings);
    }
}
