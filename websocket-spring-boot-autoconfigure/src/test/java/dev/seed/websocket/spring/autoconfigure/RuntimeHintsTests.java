package dev.seed.websocket.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.spring.OnClose;
import dev.seed.websocket.spring.OnMessage;
import dev.seed.websocket.spring.OnOpen;
import dev.seed.websocket.spring.OnPing;
import dev.seed.websocket.spring.PathVariable;
import dev.seed.websocket.spring.WsHandler;
import java.io.InputStream;
import org.junit.jupiter.api.Test;
import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.javapoet.ClassName;

/**
 * What ahead-of-time processing (and a native image) needs to know: the annotated methods of a
 * handler are called by reflection, and the properties are bound by reflection. The hints come
 * from the annotations themselves (@Reflective) and Boot's binding hints.
 */
class RuntimeHintsTests {

    @WsHandler("/rooms/{room}")
    static class Chat {
        @OnOpen
        String open(WebSocketConnection c, @PathVariable("room") String room) {
            return "welcome to " + room;
        }

        @OnMessage
        String text(String message) {
            return message;
        }

        @OnMessage
        void upload(InputStream in) {
        }

        @OnPing
        boolean ping(byte[] payload) {
            return true;
        }

        @OnClose
        void close(int code, String reason) {
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(WebSocketProperties.class)
    @Import({Chat.class, dev.seed.websocket.spring.autoconfigure.actuate.WebSocketEndpoint.class})
    static class App {
    }

    private static RuntimeHints process() {
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        context.register(App.class);
        DefaultGenerationContext generation = new DefaultGenerationContext(
                new ClassNameGenerator(ClassName.get("dev.seed.websocket.aot", "Test")), new InMemoryGeneratedFiles());
        new ApplicationContextAotGenerator().processAheadOfTime(context, generation);
        return generation.getRuntimeHints();
    }

    @Test
    void everyAnnotatedHandlerMethodMayBeInvokedByReflection() {
        RuntimeHints hints = process();
        for (String method : new String[] {"open", "text", "upload", "ping", "close"}) {
            assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Chat.class, method))
                    .as("hint to invoke %s", method).accepts(hints);
        }
    }

    @Test
    void thePropertiesAndTheirNestedGroupsMayBeBound() {
        RuntimeHints hints = process();
        for (Class<?> type : new Class<?>[] {WebSocketProperties.class, WebSocketProperties.Server.class,
                WebSocketProperties.Client.class, WebSocketProperties.Ssl.class, WebSocketProperties.Metrics.class}) {
            assertThat(RuntimeHintsPredicates.reflection().onType(type)).as("hint for %s", type.getSimpleName())
                    .accepts(hints);
        }
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(WebSocketProperties.Server.class,
                "setMaxMessageSize")).accepts(hints);
    }

    @Test
    void theActuatorEndpointsOperationAndTheJsonItAnswersWithMayBeReached() {
        RuntimeHints hints = process();
        Class<?> endpoint = dev.seed.websocket.spring.autoconfigure.actuate.WebSocketEndpoint.class;
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(endpoint, "server")).accepts(hints);
        for (Class<?> body : new Class<?>[] {
                dev.seed.websocket.spring.autoconfigure.actuate.WebSocketEndpoint.ServerDescriptor.class,
                dev.seed.websocket.spring.autoconfigure.actuate.WebSocketEndpoint.RouteDescriptor.class}) {
            assertThat(RuntimeHintsPredicates.reflection().onType(body)).as("binding hint for %s", body.getSimpleName())
                    .accepts(hints);
        }
    }
}
