package dev.seed.websocket.protocol.extension;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The four RFC 7692 section 7.1 parameters of one {@code permessage-deflate} element (an offer, a
 * response or a configuration), syntax-checked but not yet judged against the other side.
 * Immutable.
 *
 * @param serverNoContextTakeover {@code server_no_context_takeover} is present (section 7.1.1.1)
 * @param clientNoContextTakeover {@code client_no_context_takeover} is present (section 7.1.1.2)
 * @param serverMaxWindowBits {@code server_max_window_bits}: 8 to 15, or {@link #ABSENT}
 *     (section 7.1.2.1)
 * @param clientMaxWindowBits {@code client_max_window_bits}: 8 to 15, {@link #NO_VALUE} or
 *     {@link #ABSENT} (section 7.1.2.2)
 */
record DeflateParameters(boolean serverNoContextTakeover, boolean clientNoContextTakeover,
        int serverMaxWindowBits, int clientMaxWindowBits) {

    static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";
    static final String CLIENT_NO_CONTEXT_TAKEOVER = "client_no_context_takeover";
    static final String SERVER_MAX_WINDOW_BITS = "server_max_window_bits";
    static final String CLIENT_MAX_WINDOW_BITS = "client_max_window_bits";

    /** A window-bits parameter that is not in the element. */
    static final int ABSENT = 0;
    /** {@code client_max_window_bits} present without a value (only valid in an offer). */
    static final int NO_VALUE = -1;
    /** The smallest LZ77 window a peer may ask for: 2^8 = 256 bytes (section 7.1.2). */
    static final int MIN_WINDOW_BITS = 8;
    /** The largest LZ77 window, DEFLATE's own limit: 2^15 = 32 KiB (section 7.1.2). */
    static final int MAX_WINDOW_BITS = 15;

    /** No parameter at all: the plain {@code permessage-deflate} offer. */
    static final DeflateParameters NONE = new DeflateParameters(false, false, ABSENT, ABSENT);

    /**
     * Reads the parameters of {@code element}, whose name is not checked. Throws
     * IllegalArgumentException for an unknown or repeated parameter or a bad value (section 7:
     * "contains an extension parameter not defined for use in an offer/response", "with an
     * invalid value", "multiple extension parameters with the same name").
     */
    static DeflateParameters parse(ExtensionParameters element) {
        boolean serverNoContextTakeover = false;
        boolean clientNoContextTakeover = false;
        int serverMaxWindowBits = ABSENT;
        int clientMaxWindowBits = ABSENT;
        // Keys normally come lower case from the header parser; a hand-built element may not.
        Map<String, Boolean> seen = new LinkedHashMap<>();
        for (Map.Entry<String, String> p : element.parameters().entrySet()) {
            String name = p.getKey().toLowerCase(Locale.ROOT);
            String value = p.getValue();
            if (seen.put(name, Boolean.TRUE) != null) {
                throw new IllegalArgumentException("Duplicate parameter '"
                        + ExtensionHeaderParser.truncate(name) + "'.");
            }
            switch (name) {
                case SERVER_NO_CONTEXT_TAKEOVER -> {
                    requireNoValue(name, value);
                    serverNoContextTakeover = true;
                }
                case CLIENT_NO_CONTEXT_TAKEOVER -> {
                    requireNoValue(name, value);
                    clientNoContextTakeover = true;
                }
                case SERVER_MAX_WINDOW_BITS -> {
                    if (value == null) {
                        throw new IllegalArgumentException(
                                "Parameter '" + name + "' must have a value.");
                    }
                    serverMaxWindowBits = windowBits(name, value);
                }
                case CLIENT_MAX_WINDOW_BITS ->
                        clientMaxWindowBits = value == null ? NO_VALUE : windowBits(name, value);
                default -> throw new IllegalArgumentException("Unknown permessage-deflate parameter '"
                        + ExtensionHeaderParser.truncate(name) + "'.");
            }
        }
        return new DeflateParameters(serverNoContextTakeover, clientNoContextTakeover,
                serverMaxWindowBits, clientMaxWindowBits);
    }

    /** The element in header syntax, parameters in the order of section 7.1. */
    ExtensionParameters toElement() {
        Map<String, String> p = new LinkedHashMap<>();
        if (serverNoContextTakeover) {
            p.put(SERVER_NO_CONTEXT_TAKEOVER, null);
        }
        if (clientNoContextTakeover) {
            p.put(CLIENT_NO_CONTEXT_TAKEOVER, null);
        }
        if (serverMaxWindowBits != ABSENT) {
            p.put(SERVER_MAX_WINDOW_BITS, Integer.toString(serverMaxWindowBits));
        }
        if (clientMaxWindowBits != ABSENT) {
            p.put(CLIENT_MAX_WINDOW_BITS,
                    clientMaxWindowBits == NO_VALUE ? null : Integer.toString(clientMaxWindowBits));
        }
        return new ExtensionParameters(PerMessageDeflate.NAME, p);
    }

    /** Whether {@code bits} is a window size a parameter may carry. */
    static boolean isWindowBits(int bits) {
        return bits >= MIN_WINDOW_BITS && bits <= MAX_WINDOW_BITS;
    }

    private static void requireNoValue(String name, String value) {
        // Section 7.1.1.1 and 7.1.1.2: "This extension parameter has no value."
        if (value != null) {
            throw new IllegalArgumentException("Parameter '" + name + "' must have no value.");
        }
    }

    /**
     * Section 7.1.2.1 and 7.1.2.2: "a decimal integer value without leading zeroes between 8 to
     * 15, inclusive".
     */
    private static int windowBits(String name, String value) {
        int bits = -1;
        if (value.length() <= 2 && !value.isEmpty() && value.charAt(0) != '0'
                && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            bits = Integer.parseInt(value);
        }
        if (!isWindowBits(bits)) {
            throw new IllegalArgumentException("Invalid value '" + ExtensionHeaderParser.truncate(value)
                    + "' for parameter '" + name + "': expected 8 to 15.");
        }
        return bits;
    }
}
