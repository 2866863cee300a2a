package dev.seed.websocket.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A route path: exact ({@code /echo}) or a template with variables ({@code /rooms/{id}}), each
 * variable matching one non-empty path segment. Immutable.
 */
public final class PathTemplate {

    private final String pattern;
    /** Segments; a null literal marks a variable whose name is in {@link #names}. */
    private final String[] literals;
    private final String[] names;
    private final boolean exact;

    private PathTemplate(String pattern, String[] literals, String[] names, boolean exact) {
        this.pattern = pattern;
        this.literals = literals;
        this.names = names;
        this.exact = exact;
    }

    /** Parses a route; throws IllegalArgumentException naming what is wrong. */
    public static PathTemplate parse(String pattern) {
        if (pattern == null || !pattern.startsWith("/")) {
            throw new IllegalArgumentException("Route path must start with '/': " + pattern);
        }
        List<String> segments = segments(pattern);
        String[] literals = new String[segments.size()];
        String[] names = new String[segments.size()];
        boolean exact = true;
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            String s = segments.get(i);
            if (s.startsWith("{") && s.endsWith("}")) {
                String name = s.substring(1, s.length() - 1);
                if (name.isEmpty() || !name.matches("[A-Za-z_][A-Za-z0-9_.-]*")) {
                    throw new IllegalArgumentException("Invalid path variable '" + s + "' in route " + pattern);
                }
                if (seen.contains(name)) {
                    throw new IllegalArgumentException("Duplicate path variable '" + name + "' in route " + pattern);
                }
                seen.add(name);
                names[i] = name;
                exact = false;
            } else if (s.contains("{") || s.contains("}")) {
                throw new IllegalArgumentException("A path variable must be a whole segment: " + pattern);
            } else {
                literals[i] = s;
            }
        }
        return new PathTemplate(pattern, literals, names, exact);
    }

    private static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        int start = 1;
        while (start <= path.length()) {
            int slash = path.indexOf('/', start);
            int end = slash < 0 ? path.length() : slash;
            out.add(path.substring(start, end));
            if (slash < 0) {
                break;
            }
            start = slash + 1;
        }
        return out;
    }

    /** The route as written. */
    public String pattern() {
        return pattern;
    }

    /** Whether the route has no variables. */
    public boolean isExact() {
        return exact;
    }

    /** Matches a request path; returns its variables (empty for exact routes) or null. */
    public Map<String, String> match(String path) {
        if (exact) {
            return pattern.equals(path) ? Map.of() : null;
        }
        if (path == null || !path.startsWith("/")) {
            return null;
        }
        List<String> segments = segments(path);
        if (segments.size() != literals.length) {
            return null;
        }
        Map<String, String> vars = new LinkedHashMap<>();
        for (int i = 0; i < literals.length; i++) {
            String s = segments.get(i);
            if (literals[i] != null) {
                if (!literals[i].equals(s)) {
                    return null;
                }
            } else {
                if (s.isEmpty()) {
                    return null;
                }
                vars.put(names[i], decode(s));
            }
        }
        return vars;
    }

    private static String decode(String segment) {
        try {
            return java.net.URLDecoder.decode(segment.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return segment;
        }
    }

    @Override
    public String toString() {
        return pattern;
    }
}
