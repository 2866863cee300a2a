package dev.seed.websocket.spring.autoconfigure.oneport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.ConnectOptions;
import dev.seed.websocket.HandshakeFailedException;
import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.spring.WsHandler;
import java.net.URI;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The safe default on the shared port (cross-site WebSocket hijacking): with no allowed-origins,
 * a page of another site is refused even with the user's credentials, the application's own page
 * is let through, and so is a client that sends no Origin (not a browser).
 */
class OnePortOriginTests {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        Echo echo() {
            return new Echo();
        }
    }

    @WsHandler("/echo")
    static class Echo implements WebSocketHandler {
    }

    @Test
    void withoutAnAllowListOnlyTheApplicationsOwnPagesMayConnect() throws Exception {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(App.class)
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                        "spring.security.user.name=ada", "spring.security.user.password=secret")
                .run();
                WebSocketClient client = WebSocketClient.create()) {
            int port = app.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
            URI uri = URI.create("ws://127.0.0.1:" + port + "/echo");
            String basic = "Basic " + Base64.getEncoder().encodeToString("ada:secret".getBytes());
            assertThat(status(client, uri, ConnectOptions.builder().header("Authorization", basic)
                    .origin("https://evil.example").build())).isEqualTo(403);
            assertThat(status(client, uri, ConnectOptions.builder().header("Authorization", basic)
                    .origin("http://127.0.0.1:" + port).build())).isEqualTo(101);
            assertThat(status(client, uri, ConnectOptions.builder().header("Authorization", basic).build()))
                    .isEqualTo(101);
        }
    }

    private static int status(WebSocketClient client, URI uri, ConnectOptions options) throws Exception {
        try {
            WebSocketConnection c = client.connect(uri, options, new WebSocketHandler() {
            }).get(10, TimeUnit.SECONDS);
            c.close(1000, "done").get(10, TimeUnit.SECONDS);
            return 101;
        } catch (ExecutionException e) {
            return ((HandshakeFailedException) e.getCause()).status();
        }
    }
}
