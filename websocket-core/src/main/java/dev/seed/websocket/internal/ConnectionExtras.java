package dev.seed.websocket.internal;

import java.security.Principal;
import java.util.Map;

/**
 * What few connections use, kept apart so that an idle connection that uses none of it carries
 * one null reference: topics, application attributes, the authenticated user, the variables of a
 * template route's path, and a client's view of its handshake. Made under the connection's lock when first needed (see
 * {@link WsConnection#extras()}); a server connection with a user id, a principal or path
 * variables, and every client connection, has one from the start.
 */
final class ConnectionExtras {

    /**
     * Topics the connection is subscribed to (server side), guarded by the connection; null for
     * none. An array, replaced on each change: most connections have one or two topics, and an
     * array of one is 24 bytes where a concurrent set is about 190.
     */
    String[] topics;
    /** Application attributes; created on first use. */
    volatile Map<String, Object> attributes;
    /** Whose connection this is, as a handshake interceptor said (or the principal's name); null when none did. */
    final String userId;
    /** Who is authenticated (the web server's user, or an interceptor's); null when anonymous. */
    final Principal principal;
    /**
     * The variables of the route's path as the router matched them, unmodifiable; empty for an
     * exact route. Kept, not matched again: {@code pathVariable(name)} may be asked per message.
     */
    final Map<String, String> pathVariables;
    /** A client connection's view of its upgrade request, which keeps the 101 answer; null on a server. */
    final DefaultHandshakeRequest clientRequest;

    ConnectionExtras(String userId, Principal principal, Map<String, String> pathVariables,
            DefaultHandshakeRequest clientRequest) {
        this.userId = userId;
        this.principal = principal;
        this.pathVariables = pathVariables;
        this.clientRequest = clientRequest;
    }
}
