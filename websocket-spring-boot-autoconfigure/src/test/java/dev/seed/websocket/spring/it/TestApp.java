package dev.seed.websocket.spring.it;

import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.spring.WsHandler;
import java.nio.ByteBuffer;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/** A Spring Boot application with an echo and a rooms handler, on a free loopback port. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({TestApp.Echo.class, TestApp.Rooms.class})
public class TestApp {

    /** Starts the application with these extra properties ("key=value"). */
    static ConfigurableApplicationContext start(String... properties) {
        return new SpringApplicationBuilder(TestApp.class).web(WebApplicationType.NONE)
                .properties("websocket.server.port=0", "websocket.server.address=127.0.0.1")
                .properties(properties).run();
    }

    /** The port the running application's server listens on. */
    static int port(ConfigurableApplicationContext context) {
        return context.getEnvironment().getRequiredProperty("local.websocket.server.port", Integer.class);
    }

    @WsHandler("/echo")
    static class Echo implements WebSocketHandler {
        @Override
        public void onText(WebSocketConnection c, String text) {
            c.sendText(text);
        }

        @Override
        public void onBinary(WebSocketConnection c, ByteBuffer data) {
            c.sendBinary(data);
        }
    }

    @WsHandler(value = "/rooms/{id}", subprotocols = {"chat.v2", "chat.v1"})
    static class Rooms implements WebSocketHandler {
        @Override
        public void onText(WebSocketConnection c, String text) {
            c.sendText(c.pathVariable("id") + ":" + c.subprotocol() + ":" + text);
        }
    }
}
