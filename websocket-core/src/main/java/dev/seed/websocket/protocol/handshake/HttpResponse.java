package dev.seed.websocket.protocol.handshake;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * An HTTP/1.1 response (RFC 7230 section 3.1.2: {@code HTTP-version SP status-code SP
 * reason-phrase}), its header fields and body. Immutable.
 */
public final class HttpResponse {

    private final int status;
    private final String reason;
    private final HttpHeaders headers;
    private final byte[] body;

    /**
     * A response. {@code status} has three digits (100-999) and the reason phrase no control
     * character, else IllegalArgumentException. The headers and body are copied; no header is
     * added (not even {@code Content-Length}).
     */
    public HttpResponse(int status, String reason, HttpHeaders headers, byte[] body) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("Invalid status code.");
        }
        if (reason == null || !isReasonPhrase(reason)) {
            throw new IllegalArgumentException("Invalid reason phrase.");
        }
        this.status = status;
        this.reason = reason;
        this.headers = headers.readOnlyCopy();
        this.body = body.clone();
    }

    /**
     * The answer of a server that refuses an opening handshake (RFC 6455 section 4.2.1: "the server
     * MUST stop processing the client's handshake and return an HTTP response with an appropriate
     * error code"): a short {@code text/plain} body naming the reason, {@code Content-Length},
     * {@code Connection: close}, and the {@code extraHeaders}. A 426 also gets {@code Upgrade:
     * websocket} (RFC 7230 section 6.7) and {@code Sec-WebSocket-Version: 13} unless
     * {@code extraHeaders} names the versions (RFC 6455 section 4.4).
     *
     * <p>{@code message} must be a fixed sentence chosen by the server, never request bytes; control
     * characters in it are escaped all the same.
     */
    /** Headers of a refusal that describe its body: extra headers may not repeat them. */
    private static final java.util.Set<String> FRAMING_HEADERS =
            java.util.Set.of("content-length", "content-type", "transfer-encoding", "connection");

    public static HttpResponse refusal(int status, String message, HttpHeaders extraHeaders) {
        return refusal(status, message, extraHeaders, false);
    }

    /**
     * {@link #refusal(int, String, HttpHeaders)} with a JSON body when {@code json}:
     * {@code {"status":403,"error":"Forbidden","message":"..."}} as {@code application/json}.
     */
    public static HttpResponse refusal(int status, String message, HttpHeaders extraHeaders, boolean json) {
        byte[] body = (json
                ? "{\"status\":" + status + ",\"error\":" + jsonString(reasonPhrase(status))
                        + ",\"message\":" + jsonString(message) + "}\n"
                : escapeControls(message) + "\n").getBytes(StandardCharsets.UTF_8);
        HttpHeaders headers = new HttpHeaders();
        headers.add("Content-Type", json ? "application/json" : "text/plain; charset=utf-8");
        headers.add("Content-Length", Integer.toString(body.length));
        if (status == 426) {
            headers.add("Upgrade", "websocket");
            headers.add("Connection", "Upgrade, close");
            if (!extraHeaders.contains("Sec-WebSocket-Version")) {
                headers.add("Sec-WebSocket-Version", "13");
            }
        } else {
            headers.add("Connection", "close");
        }
        for (var field : extraHeaders) {
            if (!FRAMING_HEADERS.contains(field.getKey().toLowerCase(java.util.Locale.ROOT))) {
                headers.add(field.getKey(), field.getValue()); // the body's framing is ours alone
            }
        }
        return new HttpResponse(status, reasonPhrase(status), headers, body);
    }

    /** {@link #refusal(int, String, HttpHeaders)} without extra headers. */
    public static HttpResponse refusal(int status, String message) {
        return refusal(status, message, new HttpHeaders());
    }

    /** The status code. */
    public int status() {
        return status;
    }

    /** The reason phrase (may be empty). */
    public String reason() {
        return reason;
    }

    /** The header fields (read-only). */
    public HttpHeaders headers() {
        return headers;
    }

    /** The first value of the header field {@code name}, or null. */
    public String header(String name) {
        return headers.get(name);
    }

    /** The body: a hixie-76 challenge answer or a refusal's text. A copy. */
    public byte[] body() {
        return body.clone();
    }

    /** The response in wire form: status line, header fields, empty line, body. */
    public ByteBuffer toBytes() {
        StringBuilder sb = new StringBuilder(256);
        sb.append("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
        headers.appendTo(sb);
        sb.append("\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(head.length + body.length);
        out.put(head).put(body).flip();
        return out;
    }

    /** The registered reason phrase of the statuses a handshake uses, else {@code Error}. */
    public static String reasonPhrase(int status) {
        switch (status) {
            case 101: return "Switching Protocols";
            case 200: return "OK";
            case 400: return "Bad Request";
            case 401: return "Unauthorized";
            case 403: return "Forbidden";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 408: return "Request Timeout";
            case 426: return "Upgrade Required";
            case 429: return "Too Many Requests";
            case 431: return "Request Header Fields Too Large";
            case 500: return "Internal Server Error";
            case 503: return "Service Unavailable";
            case 505: return "HTTP Version Not Supported";
            default: return status < 400 ? "Status" : "Error";
        }
    }

    @Override
    public String toString() {
        return "HTTP/1.1 " + status + " " + reason + " " + headers;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HttpResponse r && status == r.status && reason.equals(r.reason)
                && headers.equals(r.headers) && Arrays.equals(body, r.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, reason, headers) * 31 + Arrays.hashCode(body);
    }

    /** RFC 7230 section 3.1.2: {@code reason-phrase = *( HTAB / SP / VCHAR / obs-text )}. */
    static boolean isReasonPhrase(String reason) {
        for (int i = 0; i < reason.length(); i++) {
            if (!HttpHeaders.isFieldValueChar(reason.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** A JSON string literal (RFC 8259 section 7): quotes, backslashes and controls escaped. */
    private static String jsonString(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || c == 0x2028 || c == 0x2029) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    private static String escapeControls(String message) {
        StringBuilder sb = new StringBuilder(message.length());
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
