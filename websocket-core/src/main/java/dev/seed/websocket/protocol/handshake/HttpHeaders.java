package dev.seed.websocket.protocol.handshake;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * HTTP header fields in the order they were added: names compare ASCII case-insensitively and keep
 * the case they were added with (RFC 7230 section 3.2: "Each header field consists of a
 * case-insensitive field name"); a name may occur more than once.
 *
 * <p>Values added here are checked: a value with CR, LF or another control character would let
 * whoever chose it write extra header lines (response splitting), so it is refused with
 * IllegalArgumentException, as is a name that is not an RFC 7230 token.
 *
 * <p>This class is not thread safe. A read-only copy ({@link #readOnlyCopy()}) refuses changes
 * and may be shared between threads.
 */
public final class HttpHeaders implements Iterable<Map.Entry<String, String>> {

    /** Names and values alternately, in order: names at even indexes. */
    private final List<String> fields;
    /** Whether add, set and remove throw; fixed at construction. */
    private final boolean readOnly;

    /** An empty, modifiable set of header fields. */
    public HttpHeaders() {
        this.fields = new ArrayList<>();
        this.readOnly = false;
    }

    /** A modifiable copy of {@code other}. */
    public HttpHeaders(HttpHeaders other) {
        this.fields = new ArrayList<>(other.fields);
        this.readOnly = false;
    }

    /** An empty, modifiable set with room for {@code expectedFields} fields before it grows. */
    HttpHeaders(int expectedFields) {
        this.fields = new ArrayList<>(expectedFields * 2);
        this.readOnly = false;
    }

    private HttpHeaders(List<String> fields, boolean readOnly) {
        this.fields = fields;
        this.readOnly = readOnly;
    }

    /** A copy that refuses changes with UnsupportedOperationException. */
    public HttpHeaders readOnlyCopy() {
        return readOnly ? this : new HttpHeaders(new ArrayList<>(fields), true);
    }

    /**
     * A read-only view of these fields without a copy, for an owner that never changes them
     * again (a parser whose message is complete).
     */
    HttpHeaders readOnlyView() {
        return readOnly ? this : new HttpHeaders(fields, true);
    }

    /** Whether this set refuses changes. */
    public boolean isReadOnly() {
        return readOnly;
    }

    /** Adds a field after the existing ones, even when one with this name exists. */
    public HttpHeaders add(String name, String value) {
        checkWritable();
        checkName(name);
        checkValue(value);
        fields.add(name);
        fields.add(value);
        return this;
    }

    /**
     * Adds a field whose name is a token and whose value holds only field-value characters, as a
     * parser has checked them.
     */
    void addParsed(String name, String value) {
        fields.add(name);
        fields.add(value);
    }

    /**
     * Replaces every field named {@code name} with one field, at the place of the first one
     * (or at the end when there was none).
     */
    public HttpHeaders set(String name, String value) {
        checkWritable();
        checkName(name);
        checkValue(value);
        int first = -1;
        for (int i = 0; i < fields.size(); ) {
            if (equalsIgnoreCase(fields.get(i), name)) {
                if (first < 0) {
                    first = i;
                    fields.set(i, name);
                    fields.set(i + 1, value);
                    i += 2;
                } else {
                    fields.remove(i + 1);
                    fields.remove(i);
                }
            } else {
                i += 2;
            }
        }
        if (first < 0) {
            fields.add(name);
            fields.add(value);
        }
        return this;
    }

    /** Removes every field named {@code name}; returns whether there was one. */
    public boolean remove(String name) {
        checkWritable();
        boolean removed = false;
        for (int i = 0; i < fields.size(); ) {
            if (equalsIgnoreCase(fields.get(i), name)) {
                fields.remove(i + 1);
                fields.remove(i);
                removed = true;
            } else {
                i += 2;
            }
        }
        return removed;
    }

    /** The value of the first field named {@code name}, or null. */
    public String get(String name) {
        for (int i = 0; i < fields.size(); i += 2) {
            if (equalsIgnoreCase(fields.get(i), name)) {
                return fields.get(i + 1);
            }
        }
        return null;
    }

    /** The values of every field named {@code name}, in order (empty when there is none). */
    public List<String> getAll(String name) {
        List<String> values = new ArrayList<>(2);
        for (int i = 0; i < fields.size(); i += 2) {
            if (equalsIgnoreCase(fields.get(i), name)) {
                values.add(fields.get(i + 1));
            }
        }
        return values;
    }

    /** Whether a field named {@code name} is present. */
    public boolean contains(String name) {
        return get(name) != null;
    }

    /**
     * The elements of the comma-separated lists in every field named {@code name}, in order,
     * trimmed. RFC 7230 section 7: "a recipient MUST parse and ignore a reasonable number of empty
     * list elements". Commas inside a quoted-string do not split it; the element keeps its quotes.
     */
    public List<String> tokens(String name) {
        List<String> tokens = new ArrayList<>(4);
        for (int i = 0; i < fields.size(); i += 2) {
            if (equalsIgnoreCase(fields.get(i), name)) {
                splitList(fields.get(i + 1), tokens);
            }
        }
        return tokens;
    }

    /**
     * Whether one of the list elements of the fields named {@code name} is {@code token}, compared
     * ASCII case-insensitively (e.g. {@code Connection: keep-alive, Upgrade} has {@code upgrade}).
     */
    public boolean containsToken(String name, String token) {
        for (String element : tokens(name)) {
            if (equalsIgnoreCase(element, token)) {
                return true;
            }
        }
        return false;
    }

    /** The distinct field names in order of first appearance, each as first added. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < fields.size(); i += 2) {
            String name = fields.get(i);
            boolean seen = false;
            for (String n : names) {
                if (equalsIgnoreCase(n, name)) {
                    seen = true;
                    break;
                }
            }
            if (!seen) {
                names.add(name);
            }
        }
        return Collections.unmodifiableList(names);
    }

    /** The number of fields (a repeated name counts each time). */
    public int size() {
        return fields.size() / 2;
    }

    /** Whether there is no field. */
    public boolean isEmpty() {
        return fields.isEmpty();
    }

    /** The fields in order, as immutable entries; the iterator does not support remove. */
    @Override
    public Iterator<Map.Entry<String, String>> iterator() {
        List<Map.Entry<String, String>> entries = new ArrayList<>(size());
        for (int i = 0; i < fields.size(); i += 2) {
            entries.add(new AbstractMap.SimpleImmutableEntry<>(fields.get(i), fields.get(i + 1)));
        }
        return Collections.unmodifiableList(entries).iterator();
    }

    /** Appends the fields in wire form, {@code name: value} and CRLF each. */
    void appendTo(StringBuilder sb) {
        for (int i = 0; i < fields.size(); i += 2) {
            sb.append(fields.get(i)).append(": ").append(fields.get(i + 1)).append("\r\n");
        }
    }

    /** The fields as {@code [Name: value, Name: value]}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < fields.size(); i += 2) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(fields.get(i)).append(": ").append(fields.get(i + 1));
        }
        return sb.append(']').toString();
    }

    /** Equal when both hold the same names (case included) and values in the same order. */
    @Override
    public boolean equals(Object o) {
        return o instanceof HttpHeaders other && fields.equals(other.fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    private void checkWritable() {
        if (readOnly) {
            throw new UnsupportedOperationException("Read-only header fields.");
        }
    }

    private static void checkName(String name) {
        if (name == null || !isToken(name)) {
            throw new IllegalArgumentException("Invalid header name.");
        }
    }

    /**
     * RFC 7230 section 3.2: {@code field-value = *( field-content / obs-fold )}, visible
     * characters, SP, HTAB and obs-text (ISO-8859-1 bytes 0x80-0xFF); no CR or LF.
     */
    static void checkValue(String value) {
        if (value == null) {
            throw new IllegalArgumentException("Header value is null.");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xFF) {
                throw new IllegalArgumentException("Header value is not ISO-8859-1.");
            }
            if (!isFieldValueChar(c)) {
                throw new IllegalArgumentException("Header value contains a control character.");
            }
        }
    }

    /** Splits one list value into trimmed, non-empty elements; quoted-strings stay whole. */
    static void splitList(String value, List<String> out) {
        int start = 0;
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++; // quoted-pair: the next character is literal
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                addElement(value, start, i, out);
                start = i + 1;
            }
        }
        addElement(value, start, value.length(), out);
    }

    private static void addElement(String value, int start, int end, List<String> out) {
        String element = trimWhitespace(value.substring(start, end));
        if (!element.isEmpty()) {
            out.add(element);
        }
    }

    /** Removes leading and trailing SP and HTAB (RFC 7230 OWS). */
    static String trimWhitespace(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isWhitespace(s.charAt(start))) {
            start++;
        }
        while (end > start && isWhitespace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    static boolean isWhitespace(int c) {
        return c == ' ' || c == '\t';
    }

    /** RFC 7230 section 3.2.6: {@code token = 1*tchar}. */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTokenChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * RFC 7230 section 3.2.6: {@code tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-"
     * / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA}.
     */
    static boolean isTokenChar(int c) {
        return HttpChars.isToken(c);
    }

    /** HTAB, SP, VCHAR (0x21-0x7E) or obs-text (0x80-0xFF). */
    static boolean isFieldValueChar(int c) {
        return HttpChars.isFieldValue(c);
    }

    /** Compares ASCII letters case-insensitively and every other character exactly. */
    static boolean equalsIgnoreCase(String a, String b) {
        if (a.length() != b.length()) {
            return false;
        }
        for (int i = 0; i < a.length(); i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y && toLowerAscii(x) != toLowerAscii(y)) {
                return false;
            }
        }
        return true;
    }

    static char toLowerAscii(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }
}
