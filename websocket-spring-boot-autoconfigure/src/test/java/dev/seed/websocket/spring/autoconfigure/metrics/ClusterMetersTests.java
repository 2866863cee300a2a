package dev.seed.websocket.spring.autoconfigure.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the cluster listener records, in every bound registry. */
class ClusterMetersTests {

    @Test
    void recoveriesByOutcomeLagAndReachability() {
        ClusterMeters meters = new ClusterMeters();
        SimpleMeterRegistry one = new SimpleMeterRegistry();
        SimpleMeterRegistry two = new SimpleMeterRegistry();
        meters.bindTo(one);
        meters.bindTo(two);
        meters.recovery(true);
        meters.recovery(true);
        meters.recovery(false);
        meters.received(1_500);
        meters.published();
        meters.publishFailed(new IllegalStateException("away"));
        meters.connectionChanged(false);
        for (SimpleMeterRegistry r : new SimpleMeterRegistry[] {one, two}) {
            assertThat(r.get("websocket.cluster.recoveries").tag("outcome", "recovered").counter().count()).isEqualTo(2);
            assertThat(r.get("websocket.cluster.recoveries").tag("outcome", "not_recovered").counter().count()).isEqualTo(1);
            assertThat(r.get("websocket.cluster.delivery.lag").timer().totalTime(TimeUnit.MICROSECONDS)).isEqualTo(1_500);
            assertThat(r.get("websocket.cluster.published").counter().count()).isEqualTo(1);
            assertThat(r.get("websocket.cluster.publish.failures").counter().count()).isEqualTo(1);
            assertThat(r.get("websocket.cluster.connected").gauge().value()).isZero();
        }
        meters.connectionChanged(true);
        assertThat(one.get("websocket.cluster.connected").gauge().value()).isEqualTo(1);
    }
}
