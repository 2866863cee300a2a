package dev.seed.websocket.spring.autoconfigure.metrics;

import dev.seed.websocket.CloseCause;
import dev.seed.websocket.ConnectionListener;
import dev.seed.websocket.ConnectionListener.Side;
import dev.seed.websocket.WebSocketConnection;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * WebSocket meters: a {@link MeterBinder} (Spring Boot binds it to the application's registries)
 * and the source of the {@link ConnectionListener}s that the server and client builders get. Tags
 * are bounded: side, message type, close code (application codes bucketed unless listed), close
 * cause, initiator, handshake outcome and HTTP status; never paths, addresses or reason texts.
 * Thread safe.
 *
 * <table>
 * <caption>Meters</caption>
 * <tr><td>{@code websocket.connections.active}</td><td>gauge</td><td>side</td></tr>
 * <tr><td>{@code websocket.connections.opened}</td><td>counter</td><td>side, route</td></tr>
 * <tr><td>{@code websocket.connections.closed}</td><td>counter</td><td>side, route, code, cause, initiator</td></tr>
 * <tr><td>{@code websocket.handshakes}</td><td>counter</td><td>side, route, outcome, status</td></tr>
 * <tr><td>{@code websocket.messages.received}, {@code .sent}</td><td>counter</td><td>side, route, type</td></tr>
 * <tr><td>{@code websocket.bytes.received}, {@code .sent}</td><td>counter (bytes)</td><td>side, route, type</td></tr>
 * <tr><td>{@code websocket.compression.saved}</td><td>counter (bytes)</td><td>side, route</td></tr>
 * <tr><td>{@code websocket.send.failures}</td><td>counter</td><td>side, route, reason</td></tr>
 * <tr><td>{@code websocket.keepalive.rtt}</td><td>timer</td><td>side, route</td></tr>
 * </table>
 */
public final class WebSocketMetrics implements MeterBinder {

    private final CloseCodeTag codeTag;
    private final AtomicInteger[] active = {new AtomicInteger(), new AtomicInteger()};
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    /** The meters of each route in every bound registry, made on the route's first event. */
    private final Map<String, List<RegistryMeters>> byRoute = new ConcurrentHashMap<>();

    /**
     * @param keptCloseCodes application close codes (3000-4999) to tag as themselves
     */
    public WebSocketMetrics(Collection<Integer> keptCloseCodes) {
        this.codeTag = new CloseCodeTag(keptCloseCodes);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (Side side : Side.values()) {
            Gauge.builder("websocket.connections.active", active[side.ordinal()], AtomicInteger::get)
                    .description("Open WebSocket connections").tag("side", side.tag()).register(registry);
        }
        registries.add(registry);
        byRoute.clear(); // made again, with this registry too
        meters("none"); // a client's and the refusals' meters exist from the start
    }

    /** The meters of a route (its template; "none" for a client or an unmatched handshake). */
    private List<RegistryMeters> meters(String route) {
        String key = route == null ? "none" : route;
        List<RegistryMeters> m = byRoute.get(key);
        if (m == null) {
            m = byRoute.computeIfAbsent(key,
                    r -> registries.stream().map(registry -> new RegistryMeters(registry, codeTag, r)).toList());
        }
        return m;
    }

    private List<RegistryMeters> meters(WebSocketConnection c) {
        return meters(c.routeTemplate()); // (per message: no request view made)
    }

    /** The listener to add to a server ({@link Side#SERVER}) or client builder. */
    public ConnectionListener listener(Side side) {
        return new MetricsListener(side);
    }

    /** Open connections of one side, as the gauge reads them. */
    public int activeConnections(Side side) {
        return active[side.ordinal()].get();
    }

    /** Records every event of one side to every bound registry. */
    private final class MetricsListener implements ConnectionListener {

        private final Side side;

        MetricsListener(Side side) {
            this.side = side;
        }

        @Override
        public void onOpen(WebSocketConnection c) {
            active[side.ordinal()].incrementAndGet();
            for (RegistryMeters m : meters(c)) {
                m.opened(side);
            }
        }

        @Override
        public void onClose(WebSocketConnection c, int code, CloseCause cause, boolean locallyInitiated) {
            active[side.ordinal()].decrementAndGet();
            for (RegistryMeters m : meters(c)) {
                m.closed(side, code, cause, locallyInitiated);
            }
        }

        @Override
        public void onHandshakeRefused(Side refusingSide, int status) {
            for (RegistryMeters m : meters((String) null)) {
                m.refused(refusingSide, status);
            }
        }

        @Override
        public void onMessageReceived(WebSocketConnection c, boolean text, int bytes) {
            for (RegistryMeters m : meters(c)) {
                m.received(side, text, bytes);
            }
        }

        @Override
        public void onMessageSent(WebSocketConnection c, boolean text, int bytes, int wireBytes) {
            for (RegistryMeters m : meters(c)) {
                m.sent(side, text, bytes, wireBytes);
            }
        }

        @Override
        public void onSendFailed(WebSocketConnection c, Throwable error) {
            for (RegistryMeters m : meters(c)) {
                m.sendFailed(side, error);
            }
        }

        @Override
        public void onPingRoundTrip(WebSocketConnection c, long nanos) {
            for (RegistryMeters m : meters(c)) {
                m.roundTrip(side, nanos);
            }
        }
    }
}
