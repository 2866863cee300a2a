package dev.seed.websocket.spring.autoconfigure.cluster;

import dev.seed.websocket.cluster.Broker;
import dev.seed.websocket.cluster.PresenceManager;
import dev.seed.websocket.redis.RedisEngine;
import dev.seed.websocket.spring.autoconfigure.WebSocketProperties;
import dev.seed.websocket.spring.autoconfigure.WebSocketServerAutoConfiguration;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.context.annotation.Bean;

/**
 * The cluster on Redis when {@code websocket.cluster.type=redis}: a {@link RedisEngine} on the
 * application's own Redis connection details ({@code spring.data.redis.*}: URL or host and port,
 * database, username and password, an SSL bundle, Sentinel), whose broker and presence the
 * server then uses. Redis Cluster is refused at start-up with the key that asked for it. Backs
 * off when the application defines its own {@link RedisEngine}.
 */
@AutoConfiguration(before = WebSocketServerAutoConfiguration.class,
        afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnClass({RedisEngine.class, DataRedisConnectionDetails.class})
@ConditionalOnProperty(name = "websocket.cluster.type", havingValue = "redis")
@EnableConfigurationProperties(WebSocketProperties.class)
public final class WebSocketRedisClusterAutoConfiguration {

    WebSocketRedisClusterAutoConfiguration() {
    }

    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    RedisEngine webSocketRedisEngine(WebSocketProperties properties,
            org.springframework.beans.factory.ObjectProvider<DataRedisConnectionDetails> details) {
        DataRedisConnectionDetails d = details.getIfAvailable(() -> new DataRedisConnectionDetails() {
            @Override
            public Standalone getStandalone() {
                return Standalone.of("localhost", 6379);
            }
        });
        WebSocketProperties.Cluster cluster = properties.getCluster();
        RedisEngine.Builder builder = RedisEngine.builder(uri(d))
                .keyPrefix(cluster.getKeyPrefix())
                .history(cluster.getHistory().policy())
                .presenceTtl(cluster.getPresenceTtl())
                .commandTimeout(cluster.getCommandTimeout());
        SslBundle ssl = d.getSslBundle();
        if (ssl != null) {
            builder.sslOptions(SslOptions.builder().jdkSslProvider()
                    .keyManager(ssl.getManagers().getKeyManagerFactory())
                    .trustManager(ssl.getManagers().getTrustManagerFactory())
                    .build());
        }
        return builder.build();
    }

    @Bean
    @ConditionalOnMissingBean
    Broker webSocketClusterBroker(RedisEngine engine) {
        return engine.broker();
    }

    @Bean
    @ConditionalOnMissingBean
    PresenceManager webSocketClusterPresence(RedisEngine engine) {
        return engine.presence();
    }

    /** The Lettuce URI of Boot's connection details: standalone or Sentinel. */
    static RedisURI uri(DataRedisConnectionDetails d) {
        if (d.getCluster() != null) {
            throw new InvalidConfigurationPropertyValueException("websocket.cluster.type", "redis",
                    "Redis Cluster (spring.data.redis.cluster.nodes) is not supported by the WebSocket cluster: "
                            + "use a standalone Redis or Sentinel.");
        }
        RedisURI.Builder b;
        int database;
        DataRedisConnectionDetails.Sentinel sentinel = d.getSentinel();
        if (sentinel != null) {
            DataRedisConnectionDetails.Node first = sentinel.getNodes().get(0);
            // the sentinels' own password (spring.data.redis.sentinel.password), when they have one
            String sentinelPassword = sentinel.getPassword();
            b = sentinelPassword == null ? RedisURI.Builder.sentinel(first.host(), first.port(), sentinel.getMaster())
                    : RedisURI.Builder.sentinel(first.host(), first.port(), sentinel.getMaster(), sentinelPassword);
            for (DataRedisConnectionDetails.Node n : sentinel.getNodes().subList(1, sentinel.getNodes().size())) {
                if (sentinelPassword == null) {
                    b.withSentinel(n.host(), n.port());
                } else {
                    b.withSentinel(n.host(), n.port(), sentinelPassword);
                }
            }
            database = sentinel.getDatabase();
        } else {
            DataRedisConnectionDetails.Standalone s = d.getStandalone();
            b = RedisURI.Builder.redis(s.getHost(), s.getPort());
            database = s.getDatabase();
        }
        b.withDatabase(database);
        if (d.getPassword() != null) {
            if (d.getUsername() != null) {
                b.withAuthentication(d.getUsername(), d.getPassword().toCharArray());
            } else {
                b.withPassword(d.getPassword().toCharArray());
            }
        }
        if (d.getSslBundle() != null) {
            b.withSsl(true);
        }
        return b.build();
    }
}
