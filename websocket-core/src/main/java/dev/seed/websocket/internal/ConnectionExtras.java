package dev.seed.websocket.internal;

import java.security.Principal;
import java.util.Map;

/**
 * What few connections use, kept apart so that an idle connection that uses none of it carries
 * one null reference: topics, application attributes, the authenticated user, and a client's view
 * of its handshake. Made under the connection's lock when first needed (see
 * {@link WsConnection#extras()}); a server connection with a user id or a principal, and every
 * client connection, has one from the start.
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
    /** A client connection's view of its upgrade request, which keeps the 101 answer; null on a server. */
    final DefaultHandshakeRequest clientRequest;

    ConnectionExtras(String userId, Principal principal, DefaultHandshakeRequest clientRequest) {
        this.userId = userId;
        this.principal = principal;
        this.clientRequest = clientRequest;
    }
}
