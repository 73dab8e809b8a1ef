package io.cometbridge.session;

import io.cometbridge.api.AuthResult;

import java.security.Principal;
import java.util.Map;

/**
 * Who a session belongs to: the principal its opening attach was accepted as. Every resume must be
 * accepted as the same principal, so a stolen session id and resume key are not enough to take
 * over another user's session. Written on the session's executor, read from any thread.
 */
final class SessionIdentity {
    private volatile Principal principal;

    Principal principal() {
        return principal;
    }

    /**
     * Takes an accepted attach: the opening one names the principal (and hands its attributes to
     * the session's); a resume must name the same. Without an authenticator ({@code auth} null) there
     * is nothing to check.
     */
    boolean admit(AuthResult auth, boolean opening, Map<String, Object> sessionAttributes) {
        if (auth == null) return true;
        if (opening) {
            principal = auth.principal();
            sessionAttributes.putAll(auth.attributes());
            return true;
        }
        return AuthResult.samePrincipal(principal, auth.principal());
    }
}
