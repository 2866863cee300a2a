package dev.seed.websocket;

/**
 * Whether one outgoing message is compressed, when permessage-deflate (RFC 7692) was negotiated;
 * without it every message goes uncompressed whatever is asked.
 */
public enum Compression {

    /** The endpoint's compression threshold decides: messages at least that long are compressed. */
    DEFAULT,

    /**
     * Compressed whatever its size (still sent as is when compression would not make it smaller,
     * as RFC 7692 section 6 allows per message).
     */
    ALWAYS,

    /**
     * Sent as is, and kept out of the compression context: no later message can refer back to its
     * bytes. For payloads that are already compressed (images, archives), and to keep a secret and
     * text an attacker chooses out of one context (the CRIME and BREACH attacks).
     */
    NEVER
}
