package dev.seed.websocket.spring.autoconfigure.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.spring.WsHandler;
import dev.seed.websocket.spring.autoconfigure.WebSocketClientAutoConfiguration;
import dev.seed.websocket.spring.autoconfigure.WebSocketServerAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The metrics auto-configuration is wired only with a registry, and binds its meters to it. */
class WebSocketMetricsAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class,
                    WebSocketServerAutoConfiguration.class, WebSocketClientAutoConfiguration.class,
                    WebSocketMetricsAutoConfiguration.class))
            .withUserConfiguration(Echo.class)
            .withPropertyValues("websocket.server.port=0", "websocket.server.address=127.0.0.1");

    private final ApplicationContextRunner withRegistry = runner.withConfiguration(AutoConfigurations.of(
            MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
            SimpleMetricsExportAutoConfiguration.class));

    @Test
    void noRegistryNoMetrics() {
        runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(WebSocketMetrics.class));
    }

    @Test
    void noMicrometerNoMetrics() {
        runner.withClassLoader(new FilteredClassLoader("io.micrometer."))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(WebSocketMetrics.class));
    }

    @Test
    void registryGivesBoundMeters() {
        withRegistry.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(WebSocketMetrics.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.find("websocket.connections.active").tag("side", "server").gauge()).isNotNull();
            assertThat(registry.find("websocket.messages.received").tags("side", "client", "type", "text").counter())
                    .isNotNull();
        });
    }

    @Test
    void userRegistryBeanIsEnough() {
        runner.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class))
                .withBean(SimpleMeterRegistry.class).run(context -> {
                    assertThat(context).hasSingleBean(WebSocketMetrics.class);
                    assertThat(context.getBean(SimpleMeterRegistry.class).find("websocket.connections.active")
                            .gauges()).hasSize(2);
                });
    }

    @Test
    void offByProperty() {
        withRegistry.withPropertyValues("websocket.metrics.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(WebSocketMetrics.class));
    }

    @Test
    void backsOffFromTheApplicationsMetrics() {
        WebSocketMetrics own = new WebSocketMetrics(java.util.List.of(4000));
        withRegistry.withBean(WebSocketMetrics.class, () -> own)
                .run(context -> assertThat(context.getBean(WebSocketMetrics.class)).isSameAs(own));
    }

    @WsHandler("/echo")
    static class Echo implements WebSocketHandler {
        @Override
        public void onText(WebSocketConnection c, String text) {
            c.sendText(text);
        }
    }
}
