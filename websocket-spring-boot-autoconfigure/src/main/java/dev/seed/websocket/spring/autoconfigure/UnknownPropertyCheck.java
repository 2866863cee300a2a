package dev.seed.websocket.spring.autoconfigure;

import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;

/**
 * Fails the start on a {@code websocket.*} key that is set but means nothing (a misspelling such as
 * {@code websocket.server.max-mesage-size} would otherwise be ignored and the default used),
 * naming the key, where it was set and the nearest real key. The known keys are those of
 * {@link WebSocketProperties}' bean tree, so they can never drift from what binds. Environment
 * variables are not checked: a platform's {@code WEBSOCKET_...} variable of its own must not stop
 * the application.
 */
final class UnknownPropertyCheck {

    private static final String PREFIX = "websocket";

    private UnknownPropertyCheck() {
    }

    static void check(Environment environment) {
        if (environment == null) {
            return;
        }
        Set<String> known = knownKeys();
        Set<String> relaxed = new java.util.HashSet<>();
        for (String k : known) {
            relaxed.add(relaxed(k));
        }
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            Object underlying = source.getUnderlyingSource();
            if (underlying instanceof org.springframework.core.env.PropertySource<?> ps
                    && StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME.equals(ps.getName())) {
                continue;
            }
            if (!(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            for (ConfigurationPropertyName name : iterable) {
                String key = name.toString();
                if (!key.startsWith(PREFIX + ".")) {
                    continue;
                }
                String base = withoutIndexes(key);
                if (!relaxed.contains(relaxed(base))) {
                    ConfigurationProperty property = source.getConfigurationProperty(name);
                    throw new InvalidConfigurationPropertyValueException(key,
                            property == null ? null : property.getValue(),
                            "There is no such property" + suggestion(base, known) + ".");
                }
            }
        }
    }

    /**
     * The form in which Boot's relaxed binding sees every spelling of a key alike:
     * {@code max-message-size}, {@code maxMessageSize} and {@code max_message_size} bind the same
     * property (the canonical name of the last two keeps no separator).
     */
    private static String relaxed(String key) {
        return key.replace("-", "").replace("_", "").toLowerCase(java.util.Locale.ROOT);
    }

    /** {@code websocket.server.extensions[0]} -> {@code websocket.server.extensions}. */
    private static String withoutIndexes(String key) {
        int bracket = key.indexOf('[');
        return bracket < 0 ? key : key.substring(0, bracket);
    }

    private static String suggestion(String key, Set<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(key, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return best != null && bestDistance <= Math.max(3, key.length() / 5) ? ": did you mean " + best + "?" : "";
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** Every key that binds to {@link WebSocketProperties}, in canonical form. */
    static Set<String> knownKeys() {
        Set<String> keys = new TreeSet<>();
        collect(PREFIX, WebSocketProperties.class, keys);
        return keys;
    }

    private static void collect(String prefix, Class<?> type, Set<String> keys) {
        PropertyDescriptor[] descriptors;
        try {
            descriptors = Introspector.getBeanInfo(type, Object.class).getPropertyDescriptors();
        } catch (java.beans.IntrospectionException e) {
            throw new IllegalStateException(e);
        }
        for (PropertyDescriptor d : descriptors) {
            if (d.getReadMethod() == null) {
                continue;
            }
            String key = prefix + "." + dashed(d.getName());
            Class<?> t = d.getPropertyType();
            if (isGroup(t)) {
                collect(key, t, keys); // a nested group (server, client, ssl, legacy, metrics, cluster.history)
            } else {
                keys.add(key);
            }
        }
    }

    /** A class of WebSocketProperties (at any depth) that is not an enum: a group of keys. */
    private static boolean isGroup(Class<?> t) {
        if (t.isEnum()) {
            return false;
        }
        for (Class<?> c = t.getEnclosingClass(); c != null; c = c.getEnclosingClass()) {
            if (c == WebSocketProperties.class) {
                return true;
            }
        }
        return false;
    }

    /** {@code maxMessageSize} -> {@code max-message-size}. */
    private static String dashed(String camel) {
        StringBuilder sb = new StringBuilder();
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                sb.append('-').append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
