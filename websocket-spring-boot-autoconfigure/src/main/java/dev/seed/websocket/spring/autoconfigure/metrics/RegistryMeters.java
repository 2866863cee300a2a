package dev.seed.websocket.spring.autoconfigure.metrics;

import dev.seed.websocket.BackpressureException;
import dev.seed.websocket.CloseCause;
import dev.seed.websocket.ConnectionListener.Side;
import dev.seed.websocket.WebSocketException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The meters of one registry for one route (its path template, or {@code none} for a client and
 * for handshakes refused before a route matched). Meters of the per-message path are made once
 * here so that an event costs an array lookup and an increment; meters whose tags depend on the
 * event (close code, cause, handshake status) are made on first use and kept. Thread safe.
 */
final class RegistryMeters {

    private static final String[] TYPES = {"text", "binary"};

    private final MeterRegistry registry;
    private final CloseCodeTag codeTag;
    /** The route tag: a path template (bounded: the application's routes), or "none". */
    private final String route;
    /** Indexed [side][type]: side 0 server, 1 client; type 0 text, 1 binary. */
    private final Counter[][] messagesReceived = new Counter[2][2];
    private final Counter[][] messagesSent = new Counter[2][2];
    private final Counter[][] bytesReceived = new Counter[2][2];
    private final Counter[][] bytesSent = new Counter[2][2];
    private final Counter[] compressionSaved = new Counter[2];
    private final Counter[] opened = new Counter[2];
    private final Timer[] roundTrip = new Timer[2];
    /** Indexed [side][reason]: backpressure, closed, error. */
    private final Counter[][] sendFailures = new Counter[2][3];
    private final Map<String, Counter> closed = new ConcurrentHashMap<>();
    private final Map<String, Counter> handshakes = new ConcurrentHashMap<>();

    RegistryMeters(MeterRegistry registry, CloseCodeTag codeTag, String route) {
        this.registry = registry;
        this.codeTag = codeTag;
        this.route = route;
        for (Side side : Side.values()) {
            int s = side.ordinal();
            for (int t = 0; t < 2; t++) {
                messagesReceived[s][t] = Counter.builder("websocket.messages.received")
                        .description("WebSocket messages received").tag("side", side.tag()).tag("route", route).tag("type", TYPES[t])
                        .register(registry);
                messagesSent[s][t] = Counter.builder("websocket.messages.sent")
                        .description("WebSocket messages sent").tag("side", side.tag()).tag("route", route).tag("type", TYPES[t])
                        .register(registry);
                bytesReceived[s][t] = Counter.builder("websocket.bytes.received")
                        .description("Payload of WebSocket messages received, after decompression")
                        .baseUnit("bytes").tag("side", side.tag()).tag("route", route).tag("type", TYPES[t]).register(registry);
                bytesSent[s][t] = Counter.builder("websocket.bytes.sent")
                        .description("Payload of WebSocket messages sent, before compression")
                        .baseUnit("bytes").tag("side", side.tag()).tag("route", route).tag("type", TYPES[t]).register(registry);
            }
            compressionSaved[s] = Counter.builder("websocket.compression.saved")
                    .description("Bytes that permessage-deflate saved on messages sent")
                    .baseUnit("bytes").tag("side", side.tag()).tag("route", route).register(registry);
            opened[s] = Counter.builder("websocket.connections.opened")
                    .description("WebSocket connections opened").tag("side", side.tag()).tag("route", route).register(registry);
            roundTrip[s] = Timer.builder("websocket.keepalive.rtt")
                    .description("Round-trip time of keepalive pings").tag("side", side.tag()).tag("route", route).register(registry);
            String[] reasons = {"backpressure", "closed", "error"};
            for (int r = 0; r < reasons.length; r++) {
                sendFailures[s][r] = Counter.builder("websocket.send.failures")
                        .description("WebSocket sends that failed").tag("side", side.tag()).tag("route", route)
                        .tag("reason", reasons[r]).register(registry);
            }
        }
    }

    void opened(Side side) {
        opened[side.ordinal()].increment();
        handshake(side, "accepted", "101");
    }

    void closed(Side side, int code, CloseCause cause, boolean locallyInitiated) {
        String codeValue = codeTag.of(code);
        String causeValue = cause == null ? "unknown" : cause.tag();
        String initiator = locallyInitiated ? "local" : "remote";
        String key = side.tag() + '|' + codeValue + '|' + causeValue + '|' + initiator;
        closed.computeIfAbsent(key, k -> Counter.builder("websocket.connections.closed")
                .description("WebSocket connections closed, by close code, cause and which side started the close")
                .tag("side", side.tag()).tag("route", route).tag("code", codeValue).tag("cause", causeValue)
                .tag("initiator", initiator).register(registry)).increment();
    }

    void refused(Side side, int status) {
        handshake(side, "refused", status <= 0 ? "none" : statusTag(status));
    }

    private void handshake(Side side, String outcome, String status) {
        String key = side.tag() + '|' + outcome + '|' + status;
        handshakes.computeIfAbsent(key, k -> Counter.builder("websocket.handshakes")
                .description("WebSocket opening handshakes, by outcome and HTTP status")
                .tag("side", side.tag()).tag("route", route).tag("outcome", outcome).tag("status", status).register(registry))
                .increment();
    }

    /** HTTP statuses as themselves when valid (100-599, a bounded set), else "other". */
    private static String statusTag(int status) {
        return status >= 100 && status <= 599 ? Integer.toString(status) : "other";
    }

    void received(Side side, boolean text, int bytes) {
        int t = text ? 0 : 1;
        messagesReceived[side.ordinal()][t].increment();
        bytesReceived[side.ordinal()][t].increment(bytes);
    }

    void sent(Side side, boolean text, int bytes, int wireBytes) {
        int s = side.ordinal();
        int t = text ? 0 : 1;
        messagesSent[s][t].increment();
        bytesSent[s][t].increment(bytes);
        if (wireBytes < bytes) {
            compressionSaved[s].increment(bytes - wireBytes);
        }
    }

    void sendFailed(Side side, Throwable error) {
        int reason = error instanceof BackpressureException ? 0 : error instanceof WebSocketException ? 1 : 2;
        sendFailures[side.ordinal()][reason].increment();
    }

    void roundTrip(Side side, long nanos) {
        roundTrip[side.ordinal()].record(nanos, TimeUnit.NANOSECONDS);
    }
}
