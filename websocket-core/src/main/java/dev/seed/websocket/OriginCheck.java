package dev.seed.websocket;

import java.util.concurrent.CompletionStage;

/**
 * Decides on the Origin of each upgrade request (RFC 6455 section 10.2), after the allow-list and
 * before the handshake interceptor: the seed's {@code on_origin}, as a callback that may take
 * its time (a database, a tenant service). True accepts, false refuses with 403; a decision that
 * does not come within the server's {@code originCheckTimeout} (2 s by default) refuses with 408;
 * one that fails or throws refuses with 500. Called on an event loop: it must not block (return
 * a stage that completes later instead). {@code origin} is null when the request has none.
 */
@FunctionalInterface
public interface OriginCheck {

    CompletionStage<Boolean> check(String origin, HandshakeRequest request);
}
