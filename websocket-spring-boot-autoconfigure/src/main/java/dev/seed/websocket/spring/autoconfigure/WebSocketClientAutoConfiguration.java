package dev.seed.websocket.spring.autoconfigure;

import dev.seed.websocket.WebSocketClient;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of a {@link WebSocketClient} bean for outbound connections, with options from
 * {@code websocket.client.*} and then {@link WebSocketClientCustomizer} beans. It is closed with the
 * context (1001 to its peers). Backs off when the application defines its own client, or with
 * {@code websocket.client.enabled=false}.
 */
@AutoConfiguration(after = SslAutoConfiguration.class)
@ConditionalOnClass(WebSocketClient.class)
@ConditionalOnBooleanProperty(name = "websocket.client.enabled", matchIfMissing = true)
@EnableConfigurationProperties(WebSocketProperties.class)
public final class WebSocketClientAutoConfiguration {

    /** Name of the bean that holds the client's handler executor. */
    public static final String HANDLER_EXECUTOR_BEAN = "webSocketClientHandlerExecutor";

    WebSocketClientAutoConfiguration() {
    }

    @Bean(HANDLER_EXECUTOR_BEAN)
    @ConditionalOnMissingBean(name = HANDLER_EXECUTOR_BEAN)
    WebSocketHandlerExecutor webSocketClientHandlerExecutor(WebSocketProperties properties,
            ListableBeanFactory beanFactory, Environment environment) {
        return WebSocketHandlerExecutor.resolve("client", properties.getClient(), beanFactory, environment);
    }

    @Bean
    @ConditionalOnMissingBean
    WebSocketClient webSocketClient(WebSocketProperties properties,
            @Qualifier(HANDLER_EXECUTOR_BEAN) WebSocketHandlerExecutor handlerExecutor,
            ObjectProvider<SslBundles> sslBundles, ObjectProvider<WebSocketClientCustomizer> customizers) {
        WebSocketClient.Builder builder = WebSocketClient.builder();
        BuilderConfigurer.client(builder, properties.getClient(), handlerExecutor, sslBundles.getIfAvailable());
        customizers.orderedStream().forEach(c -> c.customize(builder));
        return builder.build();
    }
}
