package dev.seed.websocket.spring.autoconfigure.metrics;

import dev.seed.websocket.cluster.ClusterListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Meters of the cluster layer (topics, user sends and broadcasts through the broker), as the
 * server's {@link ClusterListener}. No tag names a topic or a user: their number is unbounded.
 * Thread safe.
 *
 * <table>
 * <caption>Meters</caption>
 * <tr><td>{@code websocket.cluster.published}</td><td>counter</td><td>publications the broker took</td></tr>
 * <tr><td>{@code websocket.cluster.publish.failures}</td><td>counter</td><td>publications that reached this instance only</td></tr>
 * <tr><td>{@code websocket.cluster.received}</td><td>counter</td><td>publications delivered to this instance</td></tr>
 * <tr><td>{@code websocket.cluster.delivery.lag}</td><td>timer (histogram)</td><td>publish to local send, across instances' clocks</td></tr>
 * <tr><td>{@code websocket.cluster.recoveries}</td><td>counter, tag outcome</td><td>recovered or not_recovered</td></tr>
 * <tr><td>{@code websocket.cluster.connected}</td><td>gauge</td><td>1 while the broker's engine is reachable</td></tr>
 * </table>
 */
public final class ClusterMeters implements MeterBinder, ClusterListener {

    /** One registry's meters. */
    private record Meters(Counter published, Counter failures, Counter received, Timer lag, Counter recovered,
            Counter notRecovered) {
    }

    private final List<Meters> meters = new CopyOnWriteArrayList<>();
    private final AtomicInteger connected = new AtomicInteger(1);

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("websocket.cluster.connected", connected, AtomicInteger::get)
                .description("1 while the cluster's engine (Redis) is reachable, 0 otherwise").register(registry);
        meters.add(new Meters(
                Counter.builder("websocket.cluster.published").description("Publications the cluster broker took")
                        .register(registry),
                Counter.builder("websocket.cluster.publish.failures")
                        .description("Publications the cluster could not take (they reached this instance only)")
                        .register(registry),
                Counter.builder("websocket.cluster.received").description("Publications delivered to this instance")
                        .register(registry),
                Timer.builder("websocket.cluster.delivery.lag")
                        .description("Time from publication to delivery on this instance")
                        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1).dividedBy(100))
                        .maximumExpectedValue(Duration.ofSeconds(10)).register(registry),
                Counter.builder("websocket.cluster.recoveries").tag("outcome", "recovered")
                        .description("Subscriptions that asked to recover, by outcome").register(registry),
                Counter.builder("websocket.cluster.recoveries").tag("outcome", "not_recovered")
                        .description("Subscriptions that asked to recover, by outcome").register(registry)));
    }

    @Override
    public void published() {
        for (Meters m : meters) {
            m.published().increment();
        }
    }

    @Override
    public void publishFailed(Throwable cause) {
        for (Meters m : meters) {
            m.failures().increment();
        }
    }

    @Override
    public void received(long lagMicros) {
        for (Meters m : meters) {
            m.received().increment();
            m.lag().record(lagMicros, TimeUnit.MICROSECONDS);
        }
    }

    @Override
    public void recovery(boolean recovered) {
        for (Meters m : meters) {
            (recovered ? m.recovered() : m.notRecovered()).increment();
        }
    }

    @Override
    public void connectionChanged(boolean up) {
        connected.set(up ? 1 : 0);
    }
}
