package io.cometbridge.api;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The application's authentication hook: it sees every attach (a new session, and every resume of
 * one, over any transport) and accepts it with a principal or refuses it. A refusal reaches the
 * client as {@code auth_refused} (HTTP 401, WebSocket close 4401); a resume whose principal is not
 * the session's is refused with {@code principal_changed} (403 / 4406) and the session lives on.
 *
 * <p>It is called on a server thread that must not wait: a check that needs I/O (an identity
 * provider, a database) returns a stage that completes later. A hook that throws, or whose stage
 * fails, refuses the attach.
 */
@FunctionalInterface
public interface Authenticator {

    CompletionStage<AuthResult> authenticate(AuthRequest request);

    /** A hook that decides at once, from what the request carries (a signed token, a certificate). */
    static Authenticator of(Function<AuthRequest, AuthResult> check) {
        return request -> CompletableFuture.completedFuture(check.apply(request));
    }
}
