package dev.seed.websocket.protocol;

/**
 * Constants of the RFC 6455 section 5.2 base framing protocol, named after the bit layout.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-------+-+-------------+-------------------------------+
 * |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
 * |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
 * |N|V|V|V|       |S|             |   (if payload len==126/127)   |
 * | |1|2|3|       |K|             |                               |
 * +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
 * |     Extended payload length continued, if payload len == 127  |
 * + - - - - - - - - - - - - - - - +-------------------------------+
 * |                               |Masking-key, if MASK set to 1  |
 * +-------------------------------+-------------------------------+
 * | Masking-key (continued)       |          Payload Data         |
 * +-------------------------------- - - - - - - - - - - - - - - - +
 * </pre>
 */
public final class WireFormat {

    /** Byte 0: the frame is the final fragment of a message. */
    public static final int B0_FLAG_FIN = 0b1000_0000;
    /** Byte 0: reserved bit 1 (permessage-deflate's "compressed" flag, RFC 7692 section 6). */
    public static final int B0_FLAG_RSV1 = 0b0100_0000;
    /** Byte 0: reserved bit 2. */
    public static final int B0_FLAG_RSV2 = 0b0010_0000;
    /** Byte 0: reserved bit 3. */
    public static final int B0_FLAG_RSV3 = 0b0001_0000;
    /** Byte 0: all three reserved bits. */
    public static final int B0_MASK_RSV = 0b0111_0000;
    /** Byte 0: the opcode. */
    public static final int B0_MASK_OPCODE = 0b0000_1111;
    /** Byte 1: the payload is masked. */
    public static final int B1_FLAG_MASK = 0b1000_0000;
    /** Byte 1: the 7-bit payload length. */
    public static final int B1_MASK_LENGTH = 0b0111_1111;

    /** The largest payload length carried in the 7-bit field itself. */
    public static final int PAYLOAD_BYTE_MAX = 125;
    /** 7-bit length value announcing a 16-bit extended length. */
    public static final int PAYLOAD_SHORT = 126;
    /** The largest payload length carried in the 16-bit extended length. */
    public static final int PAYLOAD_SHORT_MAX = 0xFFFF;
    /** 7-bit length value announcing a 64-bit extended length. */
    public static final int PAYLOAD_LONG = 127;
    /** Section 5.5: "All control frames MUST have a payload length of 125 bytes or less". */
    public static final int CONTROL_PAYLOAD_MAX = 125;
    /** The longest possible frame header: 2 + 8 (length) + 4 (mask key). */
    public static final int MAX_HEADER_LENGTH = 14;

    /** Opcode 0x0: continuation frame. */
    public static final int OPCODE_CONTINUATION = 0x0;
    /** Opcode 0x1: text frame. */
    public static final int OPCODE_TEXT = 0x1;
    /** Opcode 0x2: binary frame. */
    public static final int OPCODE_BINARY = 0x2;
    /** Opcode 0x8: connection close. */
    public static final int OPCODE_CLOSE = 0x8;
    /** Opcode 0x9: ping. */
    public static final int OPCODE_PING = 0x9;
    /** Opcode 0xA: pong. */
    public static final int OPCODE_PONG = 0xA;
    /** Opcodes with this bit set are control frames (section 5.5). */
    public static final int OPCODE_FLAG_CONTROL = 0x8;

    private WireFormat() {
    }

    /** Whether {@code opcode} is a control opcode (0x8-0xF). */
    public static boolean isControl(int opcode) {
        return (opcode & OPCODE_FLAG_CONTROL) != 0;
    }

    /** The length of a frame header for a payload of {@code length} bytes. */
    public static int headerLength(long length, boolean masked) {
        int size = length <= PAYLOAD_BYTE_MAX ? 2 : length <= PAYLOAD_SHORT_MAX ? 4 : 10;
        return masked ? size + 4 : size;
    }
}
