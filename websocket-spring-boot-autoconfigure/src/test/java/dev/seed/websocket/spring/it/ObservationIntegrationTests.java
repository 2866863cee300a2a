package dev.seed.websocket.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import brave.Tracing;
import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.TraceContext;
import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.spring.WsHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.brave.bridge.BraveBaggageManager;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Connections and messages of the routes as Micrometer observations: with Micrometer's
 * TestObservationRegistry, and through a real tracing bridge (Brave) where the handler's code sees
 * the message's span as the current one, on the handler executor's thread.
 */
class ObservationIntegrationTests {

    /** A route with a template; answers with the trace id current in the handler, if any. */
    @WsHandler("/observed/{id}")
    static class Rooms implements WebSocketHandler {
        volatile Tracer tracer;

        @Override
        public void onText(WebSocketConnection c, String text) {
            String trace = tracer == null || tracer.currentSpan() == null ? "none"
                    : tracer.currentSpan().context().traceId();
            c.sendText(text + " " + trace + " " + Thread.currentThread().getName().replaceAll("[0-9]+$", "N"));
        }
    }

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(Rooms.class)
    static class App {
        static ObservationRegistry registry;

        @Bean
        ObservationRegistry observationRegistry() {
            return registry;
        }
    }

    private static ConfigurableApplicationContext start(ObservationRegistry registry, String... properties) {
        App.registry = registry;
        return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
                .properties("websocket.server.port=0", "websocket.server.address=127.0.0.1",
                        "websocket.server.handler-executor=pool")
                .properties(properties).run();
    }

    private static String exchange(ConfigurableApplicationContext app, String path, String text) throws Exception {
        try (WebSocketClient client = WebSocketClient.builder().eventLoops(1).build()) {
            Recorder recorder = new Recorder();
            WebSocketConnection c = client.connect(
                    URI.create("ws://127.0.0.1:" + TestApp.port(app) + path), recorder).get(10, TimeUnit.SECONDS);
            c.sendText(text);
            String answer = (String) recorder.next();
            c.close(4001, "bye");
            recorder.awaitClose();
            return answer;
        }
    }

    @Test
    void connectionsAndMessagesAreObservedWithTheRouteTemplateNeverTheRawPath() throws Exception {
        TestObservationRegistry registry = TestObservationRegistry.create();
        try (ConfigurableApplicationContext app = start(registry, "websocket.observations.messages=true")) {
            exchange(app, "/observed/42", "hello");
            // the server's side of the close is reported on its loop: wait for the connection's stop
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (true) {
                try {
                    TestObservationRegistryAssert.assertThat(registry)
                            .hasObservationWithNameEqualTo("websocket.connection").that().hasBeenStopped();
                    break;
                } catch (AssertionError notYet) {
                    if (System.nanoTime() > deadline) {
                        throw notYet;
                    }
                    Thread.sleep(10);
                }
            }
            TestObservationRegistryAssert.assertThat(registry)
                    .hasObservationWithNameEqualTo("websocket.connection").that()
                    .hasContextualNameEqualTo("websocket /observed/{id}")
                    .hasLowCardinalityKeyValue("websocket.route", "/observed/{id}")
                    .hasLowCardinalityKeyValue("websocket.close.code", "4xxx") // a peer's code: by range
                    .hasLowCardinalityKeyValue("websocket.close.cause", "peer_closed")
                    .hasBeenStarted().hasBeenStopped();
            TestObservationRegistryAssert.assertThat(registry)
                    .hasObservationWithNameEqualTo("websocket.message").that()
                    .hasLowCardinalityKeyValue("websocket.route", "/observed/{id}")
                    .hasLowCardinalityKeyValue("websocket.message.type", "text")
                    .hasLowCardinalityKeyValue("websocket.message.part", "false")
                    .hasBeenStopped();
        }
        // messages are opt-in
        TestObservationRegistry quiet = TestObservationRegistry.create();
        try (ConfigurableApplicationContext app = start(quiet)) {
            exchange(app, "/observed/7", "hi");
            TestObservationRegistryAssert.assertThat(quiet).hasObservationWithNameEqualTo("websocket.connection");
            TestObservationRegistryAssert.assertThat(quiet).hasNumberOfObservationsWithNameEqualTo("websocket.message", 0);
        }
    }

    @Test
    void aRealTracerSeesTheMessagesSpanInTheHandlerOnTheExecutorsThread() throws Exception {
        List<MutableSpan> spans = new CopyOnWriteArrayList<>();
        Tracing tracing = Tracing.newBuilder().addSpanHandler(new SpanHandler() {
            @Override
            public boolean end(TraceContext context, MutableSpan span, Cause cause) {
                spans.add(span);
                return true;
            }
        }).build();
        try {
            Tracer tracer = new BraveTracer(tracing.tracer(), new BraveCurrentTraceContext(tracing.currentTraceContext()),
                    new BraveBaggageManager());
            ObservationRegistry registry = ObservationRegistry.create();
            registry.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
            try (ConfigurableApplicationContext app = start(registry, "websocket.observations.messages=true")) {
                app.getBean(Rooms.class).tracer = tracer;
                String answer = exchange(app, "/observed/1", "traced");
                String[] parts = answer.split(" ");
                assertThat(parts[0]).isEqualTo("traced");
                assertThat(parts[2]).isEqualTo("websocket-server-handler-N");
                String traceId = parts[1];
                assertThat(traceId).isNotEqualTo("none");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (spans.size() < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                MutableSpan message = spans.stream().filter(s -> "websocket text /observed/{id}".equals(s.name()))
                        .findFirst().orElseThrow();
                MutableSpan connection = spans.stream().filter(s -> "websocket /observed/{id}".equals(s.name()))
                        .findFirst().orElseThrow();
                assertThat(message.traceId()).isEqualTo(traceId);
                // the message's span is a child of the connection's
                assertThat(message.parentId()).isEqualTo(connection.id());
                assertThat(connection.tag("websocket.route")).isEqualTo("/observed/{id}");
            }
        } finally {
            tracing.close();
        }
    }
}
