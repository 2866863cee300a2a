package dev.seed.websocket;

import java.util.concurrent.CompletionStage;

/**
 * A {@link HandshakeInterceptor} that takes its time: authentication that does I/O (a token
 * introspection, a database, a tenant service) without blocking an event loop. It is given the
 * request and the answer to shape, and returns a stage; the server answers once the stage
 * completes, with what was set on {@code response} by then. A stage that fails refuses with 500;
 * one that does not complete within the server's {@code interceptorTimeout} (5 s by default)
 * refuses with 408. Called on an event loop (or the servlet container's request thread): start
 * the work and return at once.
 */
@FunctionalInterface
public interface AsyncHandshakeInterceptor {

    CompletionStage<Void> beforeUpgrade(HandshakeRequest request, HandshakeInterceptor.UpgradeResponse response);

    /** The synchronous interceptor as an asynchronous one that is done when it returns. */
    static AsyncHandshakeInterceptor of(HandshakeInterceptor interceptor) {
        java.util.Objects.requireNonNull(interceptor, "interceptor");
        return (request, response) -> {
            interceptor.beforeUpgrade(request, response);
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        };
    }
}
