package dev.seed.websocket;

import java.net.InetSocketAddress;
import java.net.URI;

/**
 * Called by a client once its socket is connected (and TLS established), right before the opening
 * handshake is sent (the seed's {@code on_connect}): look at the socket's addresses, add headers
 * that depend on them. Runs on an event loop: it must not block. One that throws fails the connect.
 */
@FunctionalInterface
public interface BeforeHandshake {

    void beforeHandshake(Connecting connecting);

    /** The connection about to send its handshake. */
    interface Connecting {
        /** The URI being connected to. */
        URI uri();

        /** Our end of the socket. */
        InetSocketAddress localAddress();

        /** The server's end of the socket (the proxy's, through a proxy). */
        InetSocketAddress remoteAddress();

        /** Adds a header to the handshake request. */
        void header(String name, String value);
    }
}
