package dev.seed.websocket.spring.autoconfigure.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.spring.WsHandler;
import dev.seed.websocket.spring.autoconfigure.WebSocketClientAutoConfiguration;
import dev.seed.websocket.spring.autoconfigure.WebSocketServerAutoConfiguration;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The health contributor and the endpoint exist only with a server, and report it. */
class WebSocketActuateAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class,
                    WebSocketServerAutoConfiguration.class, WebSocketClientAutoConfiguration.class,
                    WebSocketHealthContributorAutoConfiguration.class, WebSocketEndpointAutoConfiguration.class))
            .withPropertyValues("websocket.server.port=0", "websocket.server.address=127.0.0.1");

    @Test
    void healthUpWithPortAndConnections() {
        runner.withUserConfiguration(Echo.class, Rooms.class).run(context -> {
            WebSocketHealthIndicator indicator = context.getBean("websocketHealthIndicator",
                    WebSocketHealthIndicator.class);
            WebSocketServer server = context.getBean(WebSocketServer.class);
            WebSocketClient client = context.getBean(WebSocketClient.class);
            client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/echo"), new WebSocketHandler() {
            }).get(5, TimeUnit.SECONDS);
            awaitConnections(server, 1);
            Health health = indicator.health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("port", server.port()).containsEntry("connections", 1);
            server.stop();
            assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
        });
    }

    @Test
    void noServerNoHealthNoEndpoint() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=websocket").run(context -> assertThat(
                context).hasNotFailed().doesNotHaveBean(WebSocketHealthIndicator.class)
                .doesNotHaveBean(WebSocketEndpoint.class));
    }

    @Test
    void healthOffByProperty() {
        runner.withUserConfiguration(Echo.class).withPropertyValues("management.health.websocket.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(WebSocketHealthIndicator.class));
    }

    @Test
    void endpointOnlyWhenExposed() {
        runner.withUserConfiguration(Echo.class)
                .run(context -> assertThat(context).doesNotHaveBean(WebSocketEndpoint.class));
    }

    @Test
    void endpointListsRoutesAndConnectionsPerRoute() {
        runner.withUserConfiguration(Echo.class, Rooms.class)
                .withPropertyValues("management.endpoints.web.exposure.include=websocket").run(context -> {
                    WebSocketEndpoint endpoint = context.getBean(WebSocketEndpoint.class);
                    WebSocketServer server = context.getBean(WebSocketServer.class);
                    WebSocketClient client = context.getBean(WebSocketClient.class);
                    String base = "ws://127.0.0.1:" + server.port();
                    client.connect(URI.create(base + "/rooms/a"), new WebSocketHandler() {
                    }).get(5, TimeUnit.SECONDS);
                    client.connect(URI.create(base + "/rooms/b"), new WebSocketHandler() {
                    }).get(5, TimeUnit.SECONDS);
                    client.connect(URI.create(base + "/echo"), new WebSocketHandler() {
                    }).get(5, TimeUnit.SECONDS);
                    awaitConnections(server, 3);
                    WebSocketEndpoint.ServerDescriptor d = endpoint.server();
                    assertThat(d.running()).isTrue();
                    assertThat(d.port()).isEqualTo(server.port());
                    assertThat(d.connections()).isEqualTo(3);
                    assertThat(d.routes()).extracting(WebSocketEndpoint.RouteDescriptor::path,
                            WebSocketEndpoint.RouteDescriptor::connections)
                            .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("/echo", 1),
                                    org.assertj.core.groups.Tuple.tuple("/rooms/{id}", 2));
                    assertThat(d.routes()).filteredOn(r -> r.path().equals("/rooms/{id}")).singleElement()
                            .satisfies(r -> {
                                assertThat(r.handlerType()).isEqualTo(Rooms.class.getName());
                                assertThat(r.subprotocols()).containsExactly("chat");
                            });
                });
    }

    private static void awaitConnections(WebSocketServer server, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.connections().size() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(server.connections()).hasSize(n);
    }

    @WsHandler("/echo")
    static class Echo implements WebSocketHandler {
        @Override
        public void onText(WebSocketConnection c, String text) {
            c.sendText(text);
        }
    }

    @WsHandler(value = "/rooms/{id}", subprotocols = "chat")
    static class Rooms implements WebSocketHandler {
    }
}
