package dev.seed.websocket.protocol.extension;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Parser of the RFC 6455 section 9.1 {@code Sec-WebSocket-Extensions} grammar:
 *
 * <pre>
 * extension-list  = 1#extension
 * extension       = extension-token *( ";" extension-param )
 * extension-token = registered-token
 * extension-param = token [ "=" (token | quoted-string) ]
 *     ; When using the quoted-string syntax variant, the value
 *     ; after quoted-string unescaping MUST conform to the
 *     ; 'token' ABNF.
 * </pre>
 *
 * <p>The list rule, optional whitespace and quoted-string come from RFC 7230 (sections 7, 3.2.3
 * and 3.2.6). Extension and parameter names are case-insensitive tokens and are returned in lower
 * case; values keep their case. Error messages give a 0-based position and at most
 * {@link #SNIPPET_LENGTH} characters of the header around it, so a hostile header never ends up
 * whole in a log line.
 *
 * <p>Stateless and thread safe.
 */
final class ExtensionHeaderParser {

    /** Longest excerpt of the input quoted in an error message. */
    static final int SNIPPET_LENGTH = 40;

    private ExtensionHeaderParser() {
    }

    /**
     * Parses a header value into its elements, in order. Throws IllegalArgumentException naming
     * the problem and its position.
     */
    static List<ExtensionParameters> parse(String header) {
        return parse(header, false);
    }

    /**
     * As {@link #parse(String)}; with {@code dropDuplicates}, an element that repeats a parameter
     * is left out instead of failing the whole header (a server declines such an offer, RFC 7692
     * section 7.1: "A server MUST decline an extension negotiation offer ... [that] contains
     * multiple extension parameters with the same name").
     */
    static List<ExtensionParameters> parse(String header, boolean dropDuplicates) {
        Objects.requireNonNull(header, "header");
        List<ExtensionParameters> elements = new ArrayList<>();
        int n = header.length();
        int i = 0;
        while (true) {
            i = skipOws(header, i);
            if (i == n) {
                break;
            }
            // RFC 7230 section 7: "a recipient MUST accept empty list elements that do not
            // contribute to the count of elements present".
            if (header.charAt(i) == ',') {
                i++;
                continue;
            }
            int nameStart = i;
            i = skipToken(header, i);
            if (i == nameStart) {
                throw error("Expected an extension name", header, i);
            }
            String name = header.substring(nameStart, i).toLowerCase(Locale.ROOT);
            Map<String, String> parameters = new LinkedHashMap<>();
            boolean duplicate = false;
            i = skipOws(header, i);
            while (i < n && header.charAt(i) == ';') {
                i = skipOws(header, i + 1);
                int paramStart = i;
                i = skipToken(header, i);
                if (i == paramStart) {
                    throw error("Expected a parameter name", header, i);
                }
                String param = header.substring(paramStart, i).toLowerCase(Locale.ROOT);
                String value = null;
                i = skipOws(header, i);
                if (i < n && header.charAt(i) == '=') {
                    i = skipOws(header, i + 1);
                    int valueStart = i;
                    if (i < n && header.charAt(i) == '"') {
                        StringBuilder unquoted = new StringBuilder();
                        i = readQuotedString(header, i, unquoted);
                        value = unquoted.toString();
                        if (!isToken(value)) {
                            throw error("Quoted value is not a token", header, valueStart);
                        }
                    } else {
                        i = skipToken(header, i);
                        if (i == valueStart) {
                            throw error("Expected a parameter value", header, i);
                        }
                        value = header.substring(valueStart, i);
                    }
                    i = skipOws(header, i);
                }
                // A parameter given twice has no single meaning; RFC 7692 section 7 for one
                // refuses "multiple extension parameters with the same name".
                if (parameters.containsKey(param)) {
                    if (!dropDuplicates) {
                        throw error("Duplicate parameter '" + truncate(param) + "'", header, paramStart);
                    }
                    duplicate = true;
                }
                parameters.put(param, value);
            }
            if (!duplicate) {
                elements.add(new ExtensionParameters(name, parameters));
            }
            if (i == n) {
                break;
            }
            if (header.charAt(i) != ',') {
                throw error("Expected ',' or ';'", header, i);
            }
            i++;
        }
        if (elements.isEmpty()) {
            // extension-list = 1#extension: at least one element.
            throw new IllegalArgumentException("Empty extension list.");
        }
        return elements;
    }

    /**
     * Returns {@code value} as is when it is a token, else as an RFC 7230 section 3.2.6
     * quoted-string with {@code "} and {@code \} escaped. Throws IllegalArgumentException for a
     * character no quoted-string can carry (controls other than HTAB, DEL, beyond U+00FF).
     */
    static String quoteIfNeeded(String value) {
        Objects.requireNonNull(value, "value");
        if (isToken(value)) {
            return value;
        }
        StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            } else if (!isQdText(c)) {
                throw new IllegalArgumentException(
                        "Character at index " + i + " cannot be sent in a quoted string.");
            }
            sb.append(c);
        }
        return sb.append('"').toString();
    }

    /** Whether {@code s} is a non-empty RFC 7230 section 3.2.6 token. */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** {@code s} cut to {@link #SNIPPET_LENGTH} characters, non-printable ones replaced. */
    static String truncate(String s) {
        return printable(s, 0, Math.min(s.length(), SNIPPET_LENGTH))
                + (s.length() > SNIPPET_LENGTH ? "..." : "");
    }

    /**
     * Reads the quoted-string starting at {@code start} (its opening quote) into {@code out},
     * unescaped; returns the index after the closing quote.
     *
     * <pre>
     * quoted-string  = DQUOTE *( qdtext / quoted-pair ) DQUOTE
     * qdtext         = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
     * quoted-pair    = "\" ( HTAB / SP / VCHAR / obs-text )
     * </pre>
     */
    private static int readQuotedString(String header, int start, StringBuilder out) {
        int n = header.length();
        int i = start + 1;
        while (i < n) {
            char c = header.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\') {
                if (i + 1 == n) {
                    break;
                }
                char escaped = header.charAt(i + 1);
                if (escaped != '\t' && (escaped < 0x20 || escaped == 0x7F || escaped > 0xFF)) {
                    throw error("Invalid character in quoted string", header, i + 1);
                }
                out.append(escaped);
                i += 2;
            } else if (isQdText(c)) {
                out.append(c);
                i++;
            } else {
                throw error("Invalid character in quoted string", header, i);
            }
        }
        throw error("Unterminated quoted string", header, start);
    }

    private static int skipOws(String s, int i) {
        // OWS = *( SP / HTAB )
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static int skipToken(String s, int i) {
        while (i < s.length() && isTChar(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /**
     * tchar = "!" / "#" / "$" / "%" / "&amp;" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`"
     * / "|" / "~" / DIGIT / ALPHA.
     */
    private static boolean isTChar(char c) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            return true;
        }
        return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** qdtext, and the characters of a quoted-pair other than the two that need the escape. */
    private static boolean isQdText(char c) {
        return c == '\t' || c == ' ' || c == 0x21 || (c >= 0x23 && c <= 0x5B)
                || (c >= 0x5D && c <= 0x7E) || (c >= 0x80 && c <= 0xFF);
    }

    private static IllegalArgumentException error(String problem, String header, int position) {
        int from = Math.max(0, position - SNIPPET_LENGTH / 2);
        int to = Math.min(header.length(), from + SNIPPET_LENGTH);
        String snippet = (from > 0 ? "..." : "") + printable(header, from, to)
                + (to < header.length() ? "..." : "");
        return new IllegalArgumentException(
                problem + " at position " + position + " in \"" + snippet + "\".");
    }

    private static String printable(String s, int from, int to) {
        StringBuilder sb = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return sb.toString();
    }
}
