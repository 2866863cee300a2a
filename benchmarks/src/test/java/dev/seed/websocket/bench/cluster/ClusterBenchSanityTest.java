package dev.seed.websocket.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The cluster benchmark's machinery on a small volume, with a real redis-server: one instance on
 * the in-memory broker and two instances (separate JVMs) on Redis, a few subscribers each, a few
 * hundred publications as fast as the window lets and at a fixed rate. Every subscriber gets every
 * message once, in order, or the counts say otherwise. No benchmark runs in the build.
 */
class ClusterBenchSanityTest {

    private static final int SUBSCRIBERS = 6;
    private static final long MESSAGES = 300;
    private static final Path LOGS = Path.of("target", "cluster-logs");

    @Test
    void everySubscriberGetsEveryMessageOnceInOrder() throws Exception {
        RedisProcess redis;
        try {
            redis = RedisProcess.start();
        } catch (IllegalStateException e) {
            fail(e.getMessage());
            return;
        }
        try (redis) {
            try (Scenario single = Scenario.start("sanity-single", 1, null, SUBSCRIBERS, null, LOGS)) {
                check(single.run(windowed()));
                check(single.run(fixedRate()));
            }
            try (Scenario two = Scenario.start("sanity-two", 2, redis, SUBSCRIBERS, null, LOGS)) {
                RedisProcess.Traffic before = redis.traffic();
                check(two.run(windowed()));
                RedisProcess.Traffic delta = redis.traffic().minus(before);
                // one PUBLISH a message, whatever the number of subscribers
                assertThat(delta.publishCalls()).isEqualTo(MESSAGES);
                check(two.run(fixedRate()));
            }
        }
    }

    private static Scenario.Spec windowed() {
        return new Scenario.Spec("windowed", SUBSCRIBERS, 0, 16, 0, 10_000, MESSAGES);
    }

    private static Scenario.Spec fixedRate() {
        return new Scenario.Spec("2,000 msg/s", SUBSCRIBERS, 2000, 500, 0, 10_000, MESSAGES);
    }

    private static void check(Scenario.Result r) {
        assertThat(r.published()).as("published").isEqualTo(MESSAGES);
        assertThat(r.subscribers()).as("subscribers").isEqualTo(SUBSCRIBERS);
        assertThat(r.missing()).as("missing").isZero();
        assertThat(r.late()).as("repeated or out of order").isZero();
        assertThat(r.gaps()).as("gaps").isZero();
        assertThat(r.stray()).as("stray").isZero();
        assertThat(r.failed()).as("failed publications").isZero();
        assertThat(r.drained()).as("drained").isTrue();
        // no warm-up: every message is measured, once per subscriber
        assertThat(r.measuredDeliveries()).as("deliveries").isEqualTo(MESSAGES * SUBSCRIBERS);
        assertThat(r.latencySamples()).as("latency samples").isEqualTo(MESSAGES * SUBSCRIBERS);
        assertThat(r.complete()).isTrue();
    }
}
