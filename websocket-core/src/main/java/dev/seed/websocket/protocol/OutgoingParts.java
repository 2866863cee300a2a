package dev.seed.websocket.protocol;

import dev.seed.websocket.protocol.extension.Extension;

/**
 * A message being sent in parts (RFC 6455 section 5.4 fragmentation, streamed by the
 * application): from its first part to its last, no other data frame may go out. This class is
 * not thread safe: the connection's engine only.
 */
final class OutgoingParts {

    /** OPCODE_TEXT or OPCODE_BINARY: what the first frame said; later parts must match. */
    final int opcode;
    /** The extension that encodes every part (its RSV bits are on the first frame), or null. */
    final Extension extension;
    /** A high surrogate that ended a text part, sent with the next part; 0 when none. */
    char highSurrogate;

    OutgoingParts(int opcode, Extension extension) {
        this.opcode = opcode;
        this.extension = extension;
    }
}
