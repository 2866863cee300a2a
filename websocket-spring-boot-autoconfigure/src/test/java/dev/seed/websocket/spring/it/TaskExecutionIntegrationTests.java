package dev.seed.websocket.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.spring.WsHandler;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.task.TaskDecorator;

/**
 * Handler executors come from Boot's task executor builders: the application's TaskDecorator (MDC,
 * security or tracing context) wraps every handler call; with spring.threads.virtual.enabled the
 * handlers run on virtual threads where the JVM has them.
 */
class TaskExecutionIntegrationTests {

    /** What the decorator puts around each task, as an MDC or a security context would be. */
    static final ThreadLocal<String> CONTEXT = new ThreadLocal<>();

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {
        @Bean
        TaskDecorator contextDecorator() {
            return task -> () -> {
                CONTEXT.set("decorated");
                try {
                    task.run();
                } finally {
                    CONTEXT.remove();
                }
            };
        }

        @Bean
        Where where() {
            return new Where();
        }
    }

    @WsHandler("/where")
    static class Where implements WebSocketHandler {
        @Override
        public void onText(WebSocketConnection c, String text) {
            Thread t = Thread.currentThread();
            c.sendText(t.getName().replaceAll("[0-9]+$", "N") + " context=" + CONTEXT.get());
        }
    }

    private static String ask(ConfigurableApplicationContext app) throws Exception {
        int port = TestApp.port(app);
        try (WebSocketClient client = WebSocketClient.builder().eventLoops(1).build()) {
            Recorder recorder = new Recorder();
            WebSocketConnection c = client.connect(URI.create("ws://127.0.0.1:" + port + "/where"), recorder)
                    .get(10, TimeUnit.SECONDS);
            c.sendText("where?");
            return (String) recorder.next();
        }
    }

    private static ConfigurableApplicationContext start(String... properties) {
        return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
                .properties("websocket.server.port=0", "websocket.server.address=127.0.0.1")
                .properties(properties).run();
    }

    @Test
    void aPoolIsBuiltByBootsBuilderSoTheApplicationsTaskDecoratorWrapsEveryHandlerCall() throws Exception {
        try (ConfigurableApplicationContext app = start("websocket.server.handler-executor=pool",
                "websocket.server.handler-pool-size=2")) {
            assertThat(ask(app)).isEqualTo("websocket-server-handler-N context=decorated");
        }
    }

    @Test
    void springThreadsVirtualEnabledPutsHandlersOnVirtualThreadsWhereTheJvmHasThem() throws Exception {
        try (ConfigurableApplicationContext app = start("spring.threads.virtual.enabled=true")) {
            String answer = ask(app);
            if (Runtime.version().feature() >= 21) {
                assertThat(answer).isEqualTo("websocket-server-handler-N context=decorated");
            } else {
                // Java 17-20 has no virtual threads: handlers stay on the event loop, undecorated
                assertThat(answer).startsWith("websocket-server-").endsWith("context=null")
                        .doesNotStartWith("websocket-server-handler");
            }
        }
        // an explicit setting wins over spring.threads.virtual.enabled
        try (ConfigurableApplicationContext app = start("spring.threads.virtual.enabled=true",
                "websocket.server.handler-executor=loop")) {
            assertThat(ask(app)).endsWith("context=null");
        }
    }
}
