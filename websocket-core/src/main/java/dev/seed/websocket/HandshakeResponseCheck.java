package dev.seed.websocket;

/**
 * Looks at the server's 101 answer before a client connection opens (the seed's client
 * {@code on_handshake}), after the RFC's own checks passed: return null to accept, or a reason to
 * refuse the connection, which then fails with a {@link HandshakeFailedException} (status 101)
 * carrying that reason and the socket is closed. Runs on an event loop: it must not block. One that
 * throws refuses with its message.
 */
@FunctionalInterface
public interface HandshakeResponseCheck {

    /** Null to accept, else why the answer is refused. */
    String check(HandshakeResponse response);
}
