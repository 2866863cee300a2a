package dev.seed.websocket.protocol.handshake;

import java.util.Optional;

/**
 * The protocol versions a handshake can agree on. RFC 6455 section 4.1: "The request MUST include
 * a header field with the name |Sec-WebSocket-Version|. The value of this header field MUST be
 * 13." Drafts 7 and 8 of the hybi working group used the same framing with version 7 and 8;
 * draft-hixie-thewebsocketprotocol-76 predates the header and has its own framing.
 */
public enum WebSocketVersion {

    /** draft-hixie-thewebsocketprotocol-76 (also hybi-00): sentinel framing, no version header. */
    HIXIE_76(-1, "draft-hixie-thewebsocketprotocol-76"),
    /** draft-ietf-hybi-thewebsocketprotocol-07. */
    HYBI_07(7, "draft-ietf-hybi-thewebsocketprotocol-07"),
    /** draft-ietf-hybi-thewebsocketprotocol-08 (also sent by drafts 9 to 12). */
    HYBI_08(8, "draft-ietf-hybi-thewebsocketprotocol-08"),
    /** RFC 6455, the standard. */
    RFC_6455(13, "RFC 6455");

    private final int wireVersion;
    private final String draftName;

    WebSocketVersion(int wireVersion, String draftName) {
        this.wireVersion = wireVersion;
        this.draftName = draftName;
    }

    /** The value of {@code Sec-WebSocket-Version}, or -1 for hixie-76 which sends none. */
    public int wireVersion() {
        return wireVersion;
    }

    /** The name of the document that defines this version. */
    public String draftName() {
        return draftName;
    }

    /** Whether this version uses the RFC 6455 section 5 framing (all but hixie-76). */
    public boolean hybiFraming() {
        return this != HIXIE_76;
    }

    /**
     * The version a {@code Sec-WebSocket-Version} header value names, or empty. The value is
     * compared exactly after trimming whitespace: RFC 6455 section 4.3's grammar has no leading
     * zeros ({@code version = DIGIT | (NZDIGIT DIGIT) | ...}).
     */
    public static Optional<WebSocketVersion> fromHeader(String value) {
        if (value == null) {
            return Optional.empty();
        }
        switch (HttpHeaders.trimWhitespace(value)) {
            case "13":
                return Optional.of(RFC_6455);
            case "8":
                return Optional.of(HYBI_08);
            case "7":
                return Optional.of(HYBI_07);
            default:
                return Optional.empty();
        }
    }
}
