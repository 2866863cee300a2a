package dev.seed.websocket;

/**
 * Sees every upgrade request that passed the RFC checks and the origin check, before the server
 * answers it: the place for authentication. It may refuse with a status, add response headers or
 * put attributes on the connection to be. Runs on the event loop: it must not block (see
 * {@link AsyncHandshakeInterceptor} for one that does I/O).
 */
@FunctionalInterface
public interface HandshakeInterceptor {

    void beforeUpgrade(HandshakeRequest request, UpgradeResponse response);

    /** What an interceptor may do to the answer. */
    interface UpgradeResponse {
        /**
         * Refuses the upgrade with {@code status} (4xx/5xx) and a short message for the body. The
         * message is sent as given: do not put in it which credential part failed.
         */
        void reject(int status, String message);

        /**
         * Adds a header to the response (e.g. Set-Cookie), the 101 or the refusal alike: a
         * refusal may carry {@code WWW-Authenticate} or {@code Retry-After}.
         */
        void header(String name, String value);

        /** Puts an attribute on the connection that will open. */
        void attribute(String name, Object value);

        /**
         * Says whose connection this is ({@link WebSocketConnection#userId()}): the server can
         * then address every connection of that user ({@code WebSocketServer.connectionsOfUser}).
         */
        void userId(String userId);

        /**
         * Says who is authenticated on this connection ({@link WebSocketConnection#principal()});
         * unless {@link #userId} is also called, the principal's name becomes the user id.
         */
        void principal(java.security.Principal principal);
    }
}
