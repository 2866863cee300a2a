package dev.seed.websocket.protocol;

/** Which end of a connection an engine plays (RFC 6455 section 1.3 and 5.1). */
public enum Role {
    /** Masks every frame it sends; refuses masked frames from the server. */
    CLIENT,
    /** Never masks; refuses unmasked frames from the client. */
    SERVER
}
