package dev.seed.websocket.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.SubscribeOptions;
import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.cluster.Broker;
import dev.seed.websocket.cluster.InMemoryBroker;
import dev.seed.websocket.redis.RedisEngine;
import dev.seed.websocket.redis.RedisServer;
import dev.seed.websocket.spring.WsHandler;
import dev.seed.websocket.spring.autoconfigure.actuate.WebSocketClusterHealthIndicator;
import dev.seed.websocket.spring.autoconfigure.actuate.WebSocketHealthContributorAutoConfiguration;
import dev.seed.websocket.spring.autoconfigure.cluster.WebSocketRedisClusterAutoConfiguration;
import dev.seed.websocket.spring.autoconfigure.metrics.WebSocketMetricsAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;

/**
 * {@code websocket.cluster.*}: the Redis cluster made from the application's own
 * {@code spring.data.redis.*} connection, against a real redis-server; its health and meters;
 * and the start-up failures that name the key to fix.
 */
class WebSocketClusterAutoConfigurationTests {

    private RedisServer redis;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, DataRedisAutoConfiguration.class,
                    WebSocketRedisClusterAutoConfiguration.class, WebSocketServerAutoConfiguration.class,
                    WebSocketClientAutoConfiguration.class, WebSocketHealthContributorAutoConfiguration.class,
                    WebSocketMetricsAutoConfiguration.class, MetricsAutoConfiguration.class,
                    CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
            .withUserConfiguration(Room.class)
            .withPropertyValues("websocket.server.port=0", "websocket.server.address=127.0.0.1");

    @BeforeEach
    void startRedis() throws Exception {
        redis = RedisServer.start();
    }

    @AfterEach
    void stopRedis() throws Exception {
        redis.close();
    }

    @Test
    void redisTypeUsesTheApplicationsRedisConnectionAndTwoApplicationsShareTopicsAndHistory() {
        String[] cluster = {"websocket.cluster.type=redis", "spring.data.redis.host=127.0.0.1",
                "spring.data.redis.port=" + redis.port(), "websocket.cluster.history.size=10",
                "websocket.cluster.history.topic-prefix=room:", "websocket.cluster.key-prefix=app1"};
        runner.withPropertyValues(cluster).withPropertyValues("websocket.cluster.instance-id=one").run(one ->
                runner.withPropertyValues(cluster).withPropertyValues("websocket.cluster.instance-id=two").run(two -> {
                    assertThat(one).hasSingleBean(RedisEngine.class);
                    WebSocketServer a = one.getBean(WebSocketServer.class);
                    WebSocketServer b = two.getBean(WebSocketServer.class);
                    assertThat(a.broker()).isSameAs(one.getBean(Broker.class));
                    assertThat(a.instanceId()).isEqualTo("one");
                    assertThat(a.broker().describe()).isEqualTo("redis 127.0.0.1:" + redis.port());
                    BlockingQueue<String> onB = new LinkedBlockingQueue<>();
                    try (WebSocketClient client = WebSocketClient.create()) {
                        client.connect(URI.create("ws://127.0.0.1:" + b.port() + "/room"), new WebSocketHandler() {
                            @Override
                            public void onText(WebSocketConnection c, String text) {
                                onB.add(text);
                            }
                        }).get(5, TimeUnit.SECONDS);
                        assertThat(onB.poll(5, TimeUnit.SECONDS)).isEqualTo("subscribed");
                        a.publish("room:1", "from one").get(5, TimeUnit.SECONDS);
                        assertThat(onB.poll(5, TimeUnit.SECONDS)).isEqualTo("from one");
                    }
                    assertThat(b.history("room:1", 10).get(5, TimeUnit.SECONDS).publications()).hasSize(1);
                    assertThat(redis.channels("app1:*")).contains("app1:b", "app1:p");

                    WebSocketClusterHealthIndicator health = one.getBean(WebSocketClusterHealthIndicator.class);
                    assertThat(health.health().getStatus()).isEqualTo(Status.UP);
                    MeterRegistry meters = one.getBean(MeterRegistry.class);
                    assertThat(meters.get("websocket.cluster.published").counter().count()).isEqualTo(1);
                    MeterRegistry metersOfTwo = two.getBean(MeterRegistry.class);
                    assertThat(metersOfTwo.get("websocket.cluster.received").counter().count()).isEqualTo(1);
                    assertThat(metersOfTwo.get("websocket.cluster.delivery.lag").timer().count()).isEqualTo(1);
                    assertThat(meters.get("websocket.cluster.connected").gauge().value()).as("connected").isEqualTo(1);

                    redis.kill();
                    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                    while (!health.health().getStatus().equals(Status.DOWN) && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                    assertThat(health.health().getDetails()).containsEntry("engine", "redis 127.0.0.1:" + redis.port());
                    assertThat(a.publish("room:1", "lost").handle((n, e) -> e).get(5, TimeUnit.SECONDS))
                            .hasMessageContaining("failed on redis 127.0.0.1:" + redis.port());
                    assertThat(meters.get("websocket.cluster.publish.failures").counter().count()).isEqualTo(1);
                    assertThat(meters.get("websocket.cluster.connected").gauge().value()).isZero();
                }));
    }

    @Test
    void memoryTypeKeepsTheConfiguredHistoryInProcess() {
        runner.withPropertyValues("websocket.cluster.history.size=3").run(context -> {
            assertThat(context).doesNotHaveBean(RedisEngine.class);
            WebSocketServer server = context.getBean(WebSocketServer.class);
            assertThat(server.broker()).isInstanceOf(InMemoryBroker.class);
            for (int i = 1; i <= 5; i++) {
                server.publish("t", "m" + i).get(5, TimeUnit.SECONDS);
            }
            assertThat(server.history("t", 10).get().publications()).extracting(p -> p.offset()).containsExactly(3L, 4L, 5L);
            assertThat(context.getBean(WebSocketClusterHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
        });
    }

    @Test
    void anUnreachableRedisFailsTheStartNamingTheKeysToCheck() throws Exception {
        int port = redis.port();
        redis.kill();
        runner.withPropertyValues("websocket.cluster.type=redis", "spring.data.redis.host=127.0.0.1",
                "spring.data.redis.port=" + port).run(context -> {
                    assertThat(context).hasFailed();
                    String messages = FailureMessages.of(context.getStartupFailure());
                    assertThat(messages).contains("Cannot connect to redis 127.0.0.1:" + port,
                            "websocket.cluster.type=redis uses the application's spring.data.redis.* connection",
                            "spring.data.redis.host, spring.data.redis.port");
                });
    }

    @Test
    void badClusterValuesAndRedisClusterFailTheStartNamingTheKey() {
        runner.withPropertyValues("websocket.cluster.presence-ttl=10ms").run(context -> assertThat(
                FailureMessages.of(context.getStartupFailure())).contains("websocket.cluster.presence-ttl", "at least 300ms"));
        runner.withPropertyValues("websocket.cluster.history.size=-1").run(context -> assertThat(
                FailureMessages.of(context.getStartupFailure())).contains("websocket.cluster.history.size"));
        runner.withPropertyValues("websocket.cluster.key-prefix=a:b").run(context -> assertThat(
                FailureMessages.of(context.getStartupFailure())).contains("websocket.cluster.key-prefix"));
        runner.withPropertyValues("websocket.cluster.type=etcd").run(context -> assertThat(
                FailureMessages.of(context.getStartupFailure())).contains("websocket.cluster.type", "etcd"));
        runner.withPropertyValues("websocket.cluster.type=redis", "spring.data.redis.cluster.nodes=127.0.0.1:7000")
                .run(context -> assertThat(FailureMessages.of(context.getStartupFailure()))
                        .contains("websocket.cluster.type", "Redis Cluster (spring.data.redis.cluster.nodes) is not supported"));
    }

    /** Subscribes every connection to room:1 and says so. */
    @WsHandler("/room")
    static class Room implements WebSocketHandler {
        @Override
        public void onOpen(WebSocketConnection c) {
            c.subscribe("room:1", SubscribeOptions.plain()).thenRun(() -> c.sendText("subscribed"));
        }
    }
}
