package dev.seed.websocket.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.CloseCodes;
import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.spring.OnText;
import dev.seed.websocket.spring.WsHandler;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/** Conditions and back-off of the server and client auto-configuration. */
class WebSocketServerAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class,
                    WebSocketServerAutoConfiguration.class, WebSocketClientAutoConfiguration.class))
            .withPropertyValues("websocket.server.port=0", "websocket.server.address=127.0.0.1");

    @Test
    void handlerBeanGivesARunningServerAndPublishesItsPort() {
        runner.withUserConfiguration(Handlers.Echo.class, EventRecorder.class).run(context -> {
            assertThat(context).hasSingleBean(WebSocketServer.class).hasSingleBean(WebSocketServerLifecycle.class)
                    .hasSingleBean(WebSocketClient.class);
            WebSocketServer server = context.getBean(WebSocketServer.class);
            assertThat(server.isRunning()).isTrue();
            assertThat(context.getEnvironment().getProperty("local.websocket.server.port", Integer.class))
                    .isEqualTo(server.port()).isPositive();
            assertThat(context.getBean(EventRecorder.class).events).singleElement()
                    .satisfies(e -> assertThat(e.getServer()).isSameAs(server));
            WebSocketRoutes routes = context.getBean(WebSocketRoutes.class);
            assertThat(routes.routes()).singleElement().satisfies(r -> {
                assertThat(r.path()).isEqualTo("/echo");
                assertThat(r.beanType()).isEqualTo(Handlers.Echo.class);
            });
        });
    }

    @Test
    void noHandlerNoServer() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(WebSocketServer.class)
                    .doesNotHaveBean(WebSocketServerLifecycle.class).doesNotHaveBean(WebSocketRoutes.class)
                    .hasSingleBean(WebSocketClient.class);
            assertThat(context.getEnvironment().containsProperty("local.websocket.server.port")).isFalse();
        });
    }

    @Test
    void serverOffByProperty() {
        runner.withUserConfiguration(Handlers.Echo.class).withPropertyValues("websocket.server.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(WebSocketServer.class)
                        .doesNotHaveBean(WebSocketServerLifecycle.class).hasSingleBean(WebSocketClient.class));
    }

    @Test
    void clientOffByProperty() {
        runner.withPropertyValues("websocket.client.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(WebSocketClient.class));
    }

    @Test
    void backsOffFromTheApplicationsServerAndStartsIt() {
        runner.withUserConfiguration(Handlers.Echo.class, OwnServer.class).run(context -> {
            assertThat(context).hasSingleBean(WebSocketServer.class);
            WebSocketServer server = context.getBean(WebSocketServer.class);
            assertThat(server).isSameAs(context.getBean(OwnServer.class).server);
            assertThat(server.isRunning()).isTrue();
        });
    }

    @Test
    void backsOffFromTheApplicationsClientRoutesAndLifecycle() {
        runner.withUserConfiguration(Handlers.Echo.class, OwnClientRoutesLifecycle.class).run(context -> {
            assertThat(context).hasSingleBean(WebSocketClient.class).hasSingleBean(WebSocketRoutes.class)
                    .hasSingleBean(WebSocketServerLifecycle.class);
            assertThat(context.getBean(WebSocketClient.class))
                    .isSameAs(context.getBean(OwnClientRoutesLifecycle.class).client);
            WebSocketRoutes routes = context.getBean(WebSocketRoutes.class);
            assertThat(routes.routes()).extracting(WebSocketRoute::path).containsExactly("/own");
            assertThat(context.getBean(WebSocketServerLifecycle.class).getServer().isRunning()).isFalse();
        });
    }

    @Test
    void customizersRunInOrderAfterTheProperties() {
        runner.withUserConfiguration(Handlers.Echo.class, Customizers.class).run(context -> {
            Customizers c = context.getBean(Customizers.class);
            assertThat(c.calls).filteredOn(s -> s.startsWith("server")).containsExactly("server-first", "server-second");
            assertThat(c.calls).containsOnlyOnce("client");
            // the customizer's extra route is served
            WebSocketServer server = context.getBean(WebSocketServer.class);
            WebSocketClient client = context.getBean(WebSocketClient.class);
            CompletableFuture<String> reply = new CompletableFuture<>();
            WebSocketConnection conn = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/extra"),
                    new WebSocketHandler() {
                        @Override
                        public void onText(WebSocketConnection x, String text) {
                            reply.complete(text);
                        }
                    }).get(5, TimeUnit.SECONDS);
            assertThat(reply.get(5, TimeUnit.SECONDS)).isEqualTo("extra");
            conn.close();
        });
    }

    @Test
    void twoHandlersOnOnePathFailNamingBothBeans() {
        runner.withUserConfiguration(Handlers.Echo.class, Handlers.OtherEcho.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(FailureMessages.of(context.getStartupFailure())).contains("Two @WsHandler beans on path /echo",
                    "Handlers$Echo",
                    "Handlers$OtherEcho");
        });
    }

    @Test
    void templatesDifferingOnlyInVariableNamesClash() {
        runner.withUserConfiguration(Handlers.Rooms.class, Handlers.RoomsByName.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(FailureMessages.of(context.getStartupFailure()))
                    .contains("Two @WsHandler beans on path /rooms/{name}", "Handlers$Rooms", "Handlers$RoomsByName");
        });
    }

    @Test
    void wsHandlerOnABeanMethod() {
        runner.withUserConfiguration(BeanMethodHandler.class).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(WebSocketServer.class);
            assertThat(context.getBean(WebSocketRoutes.class).routes()).singleElement()
                    .satisfies(r -> assertThat(r.path()).isEqualTo("/from-method"));
        });
    }

    @Test
    void handlerWithBothInterfaceAndAnnotatedMethodsFails() {
        runner.withUserConfiguration(Both.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(FailureMessages.of(context.getStartupFailure()))
                    .contains("implements WebSocketHandler and also has @OnOpen/@OnText/... methods");
        });
    }

    @Test
    void handlerWithNeitherFails() {
        runner.withUserConfiguration(Neither.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(FailureMessages.of(context.getStartupFailure()))
                    .contains("neither implements WebSocketHandler nor has @OnOpen");
        });
    }

    @Test
    void pathWithoutSlashFails() {
        runner.withUserConfiguration(NoSlash.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(FailureMessages.of(context.getStartupFailure())).contains("has path 'echo'",
                    "does not start with '/'");
        });
    }

    @Test
    void handlerExecutorByBeanName() {
        runner.withUserConfiguration(Handlers.Echo.class, OwnExecutor.class)
                .withPropertyValues("websocket.server.handler-executor=myExecutor").run(context -> {
                    assertThat(context).hasNotFailed();
                    WebSocketHandlerExecutor holder = context.getBean(
                            WebSocketServerAutoConfiguration.HANDLER_EXECUTOR_BEAN, WebSocketHandlerExecutor.class);
                    assertThat(holder.executor()).isSameAs(context.getBean("myExecutor"));
                });
    }

    @Test
    void poolHandlerExecutorIsMadeAndLoopIsNone() {
        runner.withUserConfiguration(Handlers.Echo.class)
                .withPropertyValues("websocket.server.handler-executor=pool", "websocket.server.handler-pool-size=2")
                .run(context -> assertThat(context.getBean(WebSocketServerAutoConfiguration.HANDLER_EXECUTOR_BEAN,
                        WebSocketHandlerExecutor.class).executor()).isNotNull());
        runner.withUserConfiguration(Handlers.Echo.class)
                .run(context -> assertThat(context.getBean(WebSocketServerAutoConfiguration.HANDLER_EXECUTOR_BEAN,
                        WebSocketHandlerExecutor.class).executor()).isNull());
    }

    @Test
    void clientIsClosedWithTheContext() throws Exception {
        CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        WebSocketServer external = WebSocketServer.builder().host("127.0.0.1").port(0)
                .route("/peer", new WebSocketHandler() {
                    @Override
                    public void onClose(WebSocketConnection c, int code, String reason) {
                        closeCode.complete(code);
                    }
                }).build().start();
        try {
            runner.run(context -> {
                WebSocketClient client = context.getBean(WebSocketClient.class);
                client.connect(URI.create("ws://127.0.0.1:" + external.port() + "/peer"), new WebSocketHandler() {
                }).get(5, TimeUnit.SECONDS);
                assertThat(client.connections()).hasSize(1);
            });
            assertThat(closeCode.get(5, TimeUnit.SECONDS)).isEqualTo(CloseCodes.WS_GONE);
        } finally {
            external.shutdown(Duration.ofSeconds(1));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class EventRecorder implements ApplicationListener<WebSocketServerInitializedEvent> {
        final List<WebSocketServerInitializedEvent> events = new CopyOnWriteArrayList<>();

        @Override
        public void onApplicationEvent(WebSocketServerInitializedEvent event) {
            events.add(event);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnServer {
        final WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .route("/mine", new WebSocketHandler() {
                }).build();

        @Bean
        WebSocketServer myServer() {
            return server;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnClientRoutesLifecycle {
        final WebSocketClient client = WebSocketClient.builder().eventLoops(1).build();

        @Bean
        WebSocketClient myClient() {
            return client;
        }

        @Bean
        WebSocketRoutes myRoutes() {
            return new WebSocketRoutes(List.of(new WebSocketRoute("/own", List.of(), "own", Object.class,
                    new WebSocketHandler() {
                    })));
        }

        @Bean
        WebSocketServerLifecycle myLifecycle(WebSocketServer server) {
            return new WebSocketServerLifecycle(server, Duration.ofSeconds(1), 0, e -> { }, null) {
                @Override
                public boolean isAutoStartup() {
                    return false;
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Customizers {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Bean
        @Order(2)
        WebSocketServerCustomizer second() {
            return b -> calls.add("server-second");
        }

        @Bean
        @Order(1)
        WebSocketServerCustomizer first() {
            return b -> {
                calls.add("server-first");
                b.route("/extra", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocketConnection c) {
                        c.sendText("extra");
                    }
                });
            };
        }

        @Bean
        WebSocketClientCustomizer clientCustomizer() {
            return b -> calls.add("client");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class BeanMethodHandler {
        @Bean
        @WsHandler("/from-method")
        WebSocketHandler fromMethod() {
            return new WebSocketHandler() {
            };
        }
    }

    @WsHandler("/both")
    static class Both implements WebSocketHandler {
        @OnText
        public void text(String s) {
        }
    }

    @WsHandler("/neither")
    static class Neither {
    }

    @WsHandler("echo")
    static class NoSlash implements WebSocketHandler {
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnExecutor {
        @Bean
        Executor myExecutor() {
            return Runnable::run;
        }
    }
}
