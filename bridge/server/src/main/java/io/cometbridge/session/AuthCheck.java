package io.cometbridge.session;

import io.cometbridge.api.AuthRequest;
import io.cometbridge.api.AuthResult;
import io.cometbridge.api.Authenticator;
import io.cometbridge.protocol.BridgeException;
import io.cometbridge.protocol.ErrorCode;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the application's {@link Authenticator} for one attach and turns its answer into the
 * bridge's: an accepted identity, or {@code auth_refused}. A hook that throws or fails refuses
 * (the client is told no more than that; the server log says why), and so does one that has not
 * answered within the attach timeout: an attach never waits without bound.
 */
final class AuthCheck {
    private static final Logger LOG = LoggerFactory.getLogger(AuthCheck.class);
    private final Authenticator hook;
    private final Duration timeout;

    AuthCheck(Authenticator hook, Duration timeout) {
        this.hook = hook;
        this.timeout = timeout;
    }

    void check(AuthRequest request, Consumer<AuthResult> accepted, Consumer<BridgeException> refused) {
        CompletionStage<AuthResult> answer;
        try {
            answer = hook.authenticate(request);
        } catch (RuntimeException e) {
            failed(e, refused);
            return;
        }
        if (answer == null) {
            failed(new NullPointerException("the authenticator returned null"), refused);
            return;
        }
        CompletableFuture<AuthResult> bounded = new CompletableFuture<>(); // any stage, even one that is not a CompletableFuture
        answer.whenComplete((result, error) -> {
            if (error != null) bounded.completeExceptionally(error);
            else bounded.complete(result);
        });
        bounded.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((result, error) -> {
            if (error != null || result == null) {
                failed(error != null ? error : new NullPointerException("the authenticator's answer was null"), refused);
            } else if (!result.accepted()) {
                refused.accept(new BridgeException(ErrorCode.AUTH_REFUSED, result.refusal()));
            } else {
                accepted.accept(result);
            }
        });
    }

    private static void failed(Throwable error, Consumer<BridgeException> refused) {
        LOG.warn("the authenticator failed; the attach is refused", error);
        refused.accept(new BridgeException(ErrorCode.AUTH_REFUSED, "authentication failed"));
    }
}
