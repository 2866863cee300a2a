package dev.seed.websocket.protocol.extension;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One element of a {@code Sec-WebSocket-Extensions} header: an extension name and its
 * parameters, in order (RFC 6455 section 9.1). A parameter without a value maps to null.
 * Immutable.
 */
public final class ExtensionParameters {

    private final String name;
    private final Map<String, String> parameters;

    public ExtensionParameters(String name, Map<String, String> parameters) {
        this.name = Objects.requireNonNull(name, "name");
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** An element with no parameters. */
    public static ExtensionParameters of(String name) {
        return new ExtensionParameters(name, Map.of());
    }

    /**
     * Parses a header value in the RFC 6455 section 9.1 grammar, e.g.
     * {@code permessage-deflate; client_max_window_bits, permessage-deflate}. Throws
     * IllegalArgumentException with a message naming what is wrong.
     */
    public static List<ExtensionParameters> parseHeader(String header) {
        return ExtensionHeaderParser.parse(header);
    }

    /**
     * Parses a client's offers as a server reads them: like {@link #parseHeader}, except that an
     * element repeating a parameter is dropped (declined, RFC 7692 section 7.1) rather than
     * failing the whole header. Syntax errors still throw IllegalArgumentException.
     */
    public static List<ExtensionParameters> parseOffers(String header) {
        return ExtensionHeaderParser.parse(header, true);
    }

    /** Formats elements back into header syntax, comma separated. */
    public static String toHeader(List<ExtensionParameters> elements) {
        StringBuilder sb = new StringBuilder();
        for (ExtensionParameters e : elements) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(e);
        }
        return sb.toString();
    }

    /** The extension name. */
    public String name() {
        return name;
    }

    /** The parameters in header order; a parameter without value maps to null. */
    public Map<String, String> parameters() {
        return parameters;
    }

    /** Whether the parameter is present (with or without value). */
    public boolean has(String parameter) {
        return parameters.containsKey(parameter);
    }

    /** The value of a parameter, or null when absent or valueless. */
    public String get(String parameter) {
        return parameters.get(parameter);
    }

    /** The header syntax of this element: {@code name; p1; p2=v}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name);
        for (Map.Entry<String, String> p : parameters.entrySet()) {
            sb.append("; ").append(p.getKey());
            if (p.getValue() != null) {
                sb.append('=').append(ExtensionHeaderParser.quoteIfNeeded(p.getValue()));
            }
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExtensionParameters other && name.equals(other.name)
                && parameters.equals(other.parameters);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + parameters.hashCode();
    }
}
