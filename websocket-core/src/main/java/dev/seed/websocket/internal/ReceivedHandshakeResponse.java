package dev.seed.websocket.internal;

import dev.seed.websocket.HandshakeResponse;
import dev.seed.websocket.protocol.handshake.HttpHeaders;
import dev.seed.websocket.protocol.handshake.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The 101 answer a client connection got, kept for the application. Immutable. */
final class ReceivedHandshakeResponse implements HandshakeResponse {

    private final int status;
    private final String reason;
    private final HttpHeaders headers;

    ReceivedHandshakeResponse(HttpResponse response) {
        this.status = response.status();
        this.reason = response.reason();
        this.headers = response.headers().isReadOnly() ? response.headers() : response.headers().readOnlyCopy();
    }

    @Override
    public int status() {
        return status;
    }

    @Override
    public String reason() {
        return reason;
    }

    @Override
    public String header(String name) {
        return headers.get(name);
    }

    @Override
    public List<String> headers(String name) {
        return List.copyOf(headers.getAll(name));
    }

    @Override
    public Map<String, List<String>> headers() {
        Map<String, List<String>> all = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : headers) {
            all.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
        }
        return Collections.unmodifiableMap(all);
    }

    /** RFC 6265 section 4.1.1: {@code Set-Cookie: name=value; attributes}. */
    @Override
    public Map<String, String> cookies() {
        Map<String, String> cookies = new LinkedHashMap<>();
        for (String line : headers.getAll("Set-Cookie")) {
            int semicolon = line.indexOf(';');
            String pair = semicolon < 0 ? line : line.substring(0, semicolon);
            int eq = pair.indexOf('=');
            if (eq > 0) {
                String value = pair.substring(eq + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                cookies.put(pair.substring(0, eq).trim(), value);
            }
        }
        return Collections.unmodifiableMap(cookies);
    }

    @Override
    public String toString() {
        return "HandshakeResponse[" + status + " " + reason + "]";
    }
}
