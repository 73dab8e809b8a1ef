package io.cometbridge.api;

import java.security.Principal;
import java.util.Map;
import java.util.Objects;

/**
 * An {@link Authenticator}'s decision: accepted as a principal, with attributes the application
 * finds in {@link BridgeSession#attributes()} from the session's opening on, or refused with a
 * reason the client is told (keep it free of secrets).
 */
public final class AuthResult {
    private final Principal principal;
    private final Map<String, Object> attributes;
    private final String refusal;

    private AuthResult(Principal principal, Map<String, Object> attributes, String refusal) {
        this.principal = principal;
        this.attributes = attributes;
        this.refusal = refusal;
    }

    public static AuthResult accept(Principal principal, Map<String, Object> attributes) {
        return new AuthResult(Objects.requireNonNull(principal, "principal"), Map.copyOf(attributes), null);
    }

    public static AuthResult accept(Principal principal) {
        return accept(principal, Map.of());
    }

    /** Accepted as the principal of this name. */
    public static AuthResult accept(String name, Map<String, Object> attributes) {
        return accept(new Named(Objects.requireNonNull(name, "name")), attributes);
    }

    public static AuthResult accept(String name) {
        return accept(name, Map.of());
    }

    /** Refused; the reason (its first 100 characters: it also travels in a WebSocket close frame) is the client's message. */
    public static AuthResult refuse(String reason) {
        String r = reason == null || reason.isBlank() ? "authentication refused" : reason;
        return new AuthResult(null, Map.of(), r.length() > 100 ? r.substring(0, 100) : r);
    }

    public boolean accepted() {
        return principal != null;
    }

    /** The principal, or null when refused. */
    public Principal principal() {
        return principal;
    }

    public Map<String, Object> attributes() {
        return attributes;
    }

    /** Why it was refused, or null when accepted. */
    public String refusal() {
        return refusal;
    }

    /** Two principals are the same user when their names are equal (a resume must be the same user). */
    public static boolean samePrincipal(Principal a, Principal b) {
        return a != null && b != null && Objects.equals(a.getName(), b.getName());
    }

    @Override
    public String toString() {
        return accepted() ? "accepted " + principal.getName() : "refused: " + refusal;
    }

    private record Named(String getName) implements Principal {
    }
}
