package dev.seed.websocket.spring;

import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.unit.DataSize;

/** TEMPORARY stand-in for the starter's wiring, only what the sample needs; removed when the starter lands. */
@AutoConfiguration
public class TemporaryWebSocketWiring {

    @Bean
    SmartLifecycle temporaryWebSocketServerLifecycle(ApplicationContext context, ConfigurableEnvironment env) {
        return new SmartLifecycle() {
            private WebSocketServer server;

            @Override
            public void start() {
                Binder b = Binder.get(env);
                WebSocketServer.Builder builder = WebSocketServer.builder()
                        .host(b.bind("websocket.server.address", String.class).orElse(null))
                        .port(b.bind("websocket.server.port", Integer.class).orElse(8081))
                        .extensions(b.bind("websocket.server.extensions", String[].class).orElse(new String[0]))
                        .compressionThreshold((int) b.bind("websocket.server.compression-threshold", DataSize.class)
                                .orElse(DataSize.ofKilobytes(1)).toBytes())
                        .maxFrameSize(b.bind("websocket.server.max-frame-size", DataSize.class)
                                .orElse(DataSize.ofMegabytes(16)).toBytes())
                        .maxMessageSize(b.bind("websocket.server.max-message-size", DataSize.class)
                                .orElse(DataSize.ofMegabytes(16)).toBytes())
                        .idleTimeout(b.bind("websocket.server.idle-timeout", Duration.class).orElse(Duration.ZERO))
                        .pingInterval(b.bind("websocket.server.ping-interval", Duration.class).orElse(Duration.ZERO))
                        .allowedOrigins(b.bind("websocket.server.allowed-origins", String[].class).orElse(new String[0]));
                for (Map.Entry<String, Object> e : context.getBeansWithAnnotation(WsHandler.class).entrySet()) {
                    WsHandler a = AnnotationUtils.findAnnotation(e.getValue().getClass(), WsHandler.class);
                    builder.route(a.value(), (WebSocketHandler) e.getValue(), List.of(a.subprotocols()));
                }
                server = builder.build().start();
                env.getPropertySources().addFirst(new MapPropertySource("temporary.websocket.port",
                        Map.of("local.websocket.server.port", server.port())));
            }

            @Override
            public void stop() {
                server.shutdown(b().bind("websocket.server.shutdown-grace", Duration.class).orElse(Duration.ofSeconds(5)));
                server = null;
            }

            private Binder b() {
                return Binder.get(env);
            }

            @Override
            public boolean isRunning() {
                return server != null;
            }
        };
    }
}
