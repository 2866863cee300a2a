package dev.seed.websocket.protocol.extension;

import java.util.List;

/** Parser of the RFC 6455 section 9.1 Sec-WebSocket-Extensions grammar. */
final class ExtensionHeaderParser {

    private ExtensionHeaderParser() {
    }

    static List<ExtensionParameters> parse(String header) {
        throw new UnsupportedOperationException("stub");
    }

    static String quoteIfNeeded(String value) {
        throw new UnsupportedOperationException("stub");
    }
}
