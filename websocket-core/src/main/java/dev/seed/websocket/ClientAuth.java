package dev.seed.websocket;

/**
 * Whether a TLS server asks its clients for a certificate (mutual TLS), as Spring Boot's
 * {@code server.ssl.client-auth} says.
 */
public enum ClientAuth {

    /** No client certificate is asked for (the default). */
    NONE,

    /** A certificate is asked for; a client without one still connects. */
    WANT,

    /** A certificate is required: a client without a trusted one fails the TLS handshake. */
    NEED
}
