package dev.seed.websocket.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.BackpressurePolicy;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.unit.DataSize;

/** Binding of every {@code websocket.*} property, its defaults, and the refusal of bad values. */
class WebSocketPropertiesTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class,
                    WebSocketServerAutoConfiguration.class, WebSocketClientAutoConfiguration.class))
            .withUserConfiguration(Handlers.Echo.class)
            .withPropertyValues("websocket.server.port=0");

    @Test
    void defaults() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            WebSocketProperties p = context.getBean(WebSocketProperties.class);
            WebSocketProperties.Server s = p.getServer();
            assertThat(s.isEnabled()).isTrue();
            assertThat(s.getAddress()).isNull();
            assertThat(s.getExtensions()).isEmpty();
            assertThat(s.getCompressionThreshold()).isEqualTo(DataSize.ofBytes(1024));
            assertThat(s.getCompressionMode()).isEqualTo(dev.seed.websocket.CompressionMode.WINDOWED);
            assertThat(s.getCompressionWindowBits()).isEqualTo(14);
            assertThat(s.getCompressionPeerWindowBits()).isEqualTo(12);
            assertThat(s.getCompressionIdleRelease()).isEqualTo(Duration.ofSeconds(30));
            assertThat(s.getMaxFrameSize()).isEqualTo(DataSize.ofMegabytes(16));
            assertThat(s.getMaxMessageSize()).isEqualTo(DataSize.ofMegabytes(16));
            assertThat(s.getMaxFragments()).isEqualTo(131072);
            assertThat(s.getOutgoingFragmentSize()).isEqualTo(DataSize.ofBytes(0));
            assertThat(s.isAutoPong()).isTrue();
            assertThat(s.getIdleTimeout()).isZero();
            assertThat(s.getPingInterval()).isZero();
            assertThat(s.getPongTimeout()).isEqualTo(Duration.ofSeconds(20));
            assertThat(s.getHandshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
            assertThat(s.getCloseTimeout()).isEqualTo(Duration.ofSeconds(5));
            assertThat(s.isTcpNoDelay()).isTrue();
            assertThat(s.getBackpressureLimit()).isEqualTo(DataSize.ofMegabytes(16));
            assertThat(s.getMaxSendSize()).isEqualTo(DataSize.ofBytes(0));
            assertThat(s.getBackpressurePolicy()).isEqualTo(BackpressurePolicy.FAIL_SEND);
            assertThat(s.getHandlerExecutor()).isEqualTo("loop");
            assertThat(s.getEventLoops()).isNull();
            assertThat(s.getMaxHeaderSize()).isEqualTo(DataSize.ofKilobytes(16));
            assertThat(s.getSsl().getBundle()).isNull();
            assertThat(s.getBacklog()).isEqualTo(1024);
            assertThat(s.getAllowedOrigins()).isEmpty();
            assertThat(s.getMaxConnections()).isZero();
            assertThat(s.getMaxConnectionsPerAddress()).isZero();
            assertThat(s.getMaxLifetime()).isZero();
            assertThat(s.getShutdownGrace()).isEqualTo(Duration.ofSeconds(10));
            assertThat(s.getLegacy().isHybiDrafts()).isFalse();
            assertThat(s.getLegacy().isHixie76()).isFalse();
            assertThat(p.getClient().isEnabled()).isTrue();
            assertThat(p.getClient().getConnectTimeout()).isEqualTo(Duration.ofSeconds(10));
            assertThat(p.getMetrics().isEnabled()).isTrue();
            assertThat(p.getMetrics().getCloseCodes()).isEmpty();
        });
    }

    @Test
    void defaultPortIs8081() {
        assertThat(new WebSocketProperties().getServer().getPort()).isNull();
        assertThat(new WebSocketProperties().getServer().listenPort()).isEqualTo(8081);
    }

    @Test
    void everyServerPropertyBinds() {
        runner.withPropertyValues(
                "websocket.server.address=127.0.0.1",
                "websocket.server.extensions[0]=permessage-deflate; client_max_window_bits",
                "websocket.server.extensions[1]=permessage-deflate; server_no_context_takeover",
                "websocket.server.compression-threshold=2KB",
                "websocket.server.compression-mode=shared",
                "websocket.server.compression-window-bits=10",
                "websocket.server.compression-peer-window-bits=11",
                "websocket.server.compression-idle-release=5s",
                "websocket.server.max-frame-size=1MB",
                "websocket.server.max-message-size=64MB",
                "websocket.server.max-fragments=100",
                "websocket.server.outgoing-fragment-size=8KB",
                "websocket.server.auto-pong=false",
                "websocket.server.idle-timeout=5m",
                "websocket.server.ping-interval=30s",
                "websocket.server.pong-timeout=7s",
                "websocket.server.handshake-timeout=3s",
                "websocket.server.close-timeout=2500ms",
                "websocket.server.tcp-no-delay=false",
                "websocket.server.backpressure-limit=4MB",
                "websocket.server.max-send-size=2MB",
                "websocket.server.backpressure-policy=close",
                "websocket.server.handler-executor=pool",
                "websocket.server.handler-pool-size=3",
                "websocket.server.event-loops=2",
                "websocket.server.max-header-size=8KB",
                "websocket.server.backlog=50",
                "websocket.server.allowed-origins=https://a.example,https://b.example",
                "websocket.server.max-connections=1000",
                "websocket.server.max-connections-per-address=10",
                "websocket.server.max-lifetime=1h",
                "websocket.server.shutdown-grace=3s",
                "websocket.server.legacy.hybi-drafts=true",
                "websocket.server.legacy.hixie76=true",
                "websocket.metrics.enabled=false",
                "websocket.metrics.close-codes=4001,3000").run(context -> {
                    assertThat(context).hasNotFailed();
                    WebSocketProperties p = context.getBean(WebSocketProperties.class);
                    WebSocketProperties.Server s = p.getServer();
                    assertThat(s.getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
                    assertThat(s.getExtensions()).containsExactly("permessage-deflate; client_max_window_bits",
                            "permessage-deflate; server_no_context_takeover");
                    assertThat(s.getCompressionThreshold()).isEqualTo(DataSize.ofKilobytes(2));
                    assertThat(s.getCompressionMode()).isEqualTo(dev.seed.websocket.CompressionMode.SHARED);
                    assertThat(s.getCompressionWindowBits()).isEqualTo(10);
                    assertThat(s.getCompressionPeerWindowBits()).isEqualTo(11);
                    assertThat(s.getCompressionIdleRelease()).isEqualTo(Duration.ofSeconds(5));
                    assertThat(s.getMaxFrameSize()).isEqualTo(DataSize.ofMegabytes(1));
                    assertThat(s.getMaxMessageSize()).isEqualTo(DataSize.ofMegabytes(64));
                    assertThat(s.getMaxFragments()).isEqualTo(100);
                    assertThat(s.getOutgoingFragmentSize()).isEqualTo(DataSize.ofKilobytes(8));
                    assertThat(s.isAutoPong()).isFalse();
                    assertThat(s.getIdleTimeout()).isEqualTo(Duration.ofMinutes(5));
                    assertThat(s.getPingInterval()).isEqualTo(Duration.ofSeconds(30));
                    assertThat(s.getPongTimeout()).isEqualTo(Duration.ofSeconds(7));
                    assertThat(s.getHandshakeTimeout()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(s.getCloseTimeout()).isEqualTo(Duration.ofMillis(2500));
                    assertThat(s.isTcpNoDelay()).isFalse();
                    assertThat(s.getBackpressureLimit()).isEqualTo(DataSize.ofMegabytes(4));
                    assertThat(s.getMaxSendSize()).isEqualTo(DataSize.ofMegabytes(2));
                    assertThat(s.getBackpressurePolicy()).isEqualTo(BackpressurePolicy.CLOSE);
                    assertThat(s.getHandlerExecutor()).isEqualTo("pool");
                    assertThat(s.getHandlerPoolSize()).isEqualTo(3);
                    assertThat(s.getEventLoops()).isEqualTo(2);
                    assertThat(s.getMaxHeaderSize()).isEqualTo(DataSize.ofKilobytes(8));
                    assertThat(s.getBacklog()).isEqualTo(50);
                    assertThat(s.getAllowedOrigins()).containsExactly("https://a.example", "https://b.example");
                    assertThat(s.getMaxConnections()).isEqualTo(1000);
                    assertThat(s.getMaxConnectionsPerAddress()).isEqualTo(10);
                    assertThat(s.getMaxLifetime()).isEqualTo(Duration.ofHours(1));
                    assertThat(s.getShutdownGrace()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(s.getLegacy().isHybiDrafts()).isTrue();
                    assertThat(s.getLegacy().isHixie76()).isTrue();
                    assertThat(p.getMetrics().isEnabled()).isFalse();
                    assertThat(p.getMetrics().getCloseCodes()).containsExactly(4001, 3000);
                    assertThat(context.getBean(dev.seed.websocket.WebSocketServer.class).isRunning()).isTrue();
                });
    }

    @Test
    void everyClientPropertyBinds() {
        runner.withPropertyValues(
                "websocket.client.extensions=permessage-deflate",
                "websocket.client.compression-threshold=0",
                "websocket.client.max-frame-size=256KB",
                "websocket.client.max-message-size=2MB",
                "websocket.client.max-fragments=7",
                "websocket.client.idle-timeout=1m",
                "websocket.client.ping-interval=15s",
                "websocket.client.pong-timeout=4s",
                "websocket.client.handshake-timeout=6s",
                "websocket.client.close-timeout=1s",
                "websocket.client.connect-timeout=2s",
                "websocket.client.backpressure-limit=1MB",
                "websocket.client.backpressure-policy=fail-send",
                "websocket.client.event-loops=1",
                "websocket.client.max-header-size=4KB").run(context -> {
                    assertThat(context).hasNotFailed();
                    WebSocketProperties.Client c = context.getBean(WebSocketProperties.class).getClient();
                    assertThat(c.getExtensions()).containsExactly("permessage-deflate");
                    assertThat(c.getCompressionThreshold()).isEqualTo(DataSize.ofBytes(0));
                    assertThat(c.getMaxFrameSize()).isEqualTo(DataSize.ofKilobytes(256));
                    assertThat(c.getMaxMessageSize()).isEqualTo(DataSize.ofMegabytes(2));
                    assertThat(c.getMaxFragments()).isEqualTo(7);
                    assertThat(c.getIdleTimeout()).isEqualTo(Duration.ofMinutes(1));
                    assertThat(c.getPingInterval()).isEqualTo(Duration.ofSeconds(15));
                    assertThat(c.getPongTimeout()).isEqualTo(Duration.ofSeconds(4));
                    assertThat(c.getHandshakeTimeout()).isEqualTo(Duration.ofSeconds(6));
                    assertThat(c.getCloseTimeout()).isEqualTo(Duration.ofSeconds(1));
                    assertThat(c.getConnectTimeout()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(c.getBackpressureLimit()).isEqualTo(DataSize.ofMegabytes(1));
                    assertThat(c.getBackpressurePolicy()).isEqualTo(BackpressurePolicy.FAIL_SEND);
                    assertThat(c.getEventLoops()).isEqualTo(1);
                    assertThat(c.getMaxHeaderSize()).isEqualTo(DataSize.ofKilobytes(4));
                });
    }

    @Test
    void unknownExtensionFailsNamingTheKey() {
        assertFailure("websocket.server.extensions=permessage-foo",
                "Property websocket.server.extensions[0] with value 'permessage-foo' is invalid: Not a valid extension");
    }

    @Test
    void badExtensionParameterFailsNamingTheKey() {
        assertFailure("websocket.server.extensions=permessage-deflate; server_max_window_bits=99",
                "Property websocket.server.extensions[0]", "is invalid: Not a valid extension", "server_max_window_bits");
    }

    @Test
    void badExtensionSyntaxFailsNamingTheKey() {
        assertFailure("websocket.client.extensions[0]=permessage-deflate;;",
                "Property websocket.client.extensions[0]", "is invalid: Not a valid extension", "Sec-WebSocket-Extensions syntax");
    }

    @Test
    void badSizesAndDurationsFailNamingTheKey() {
        assertFailure("websocket.server.max-frame-size=100B", "Property websocket.server.max-frame-size with value '100B' is invalid: It must be at least 125 bytes.");
        assertFailure("websocket.server.compression-idle-release=-1s", "Property websocket.server.compression-idle-release with value 'PT-1S' is invalid: It must not be negative");
        assertFailure("websocket.server.compression-window-bits=16", "Property websocket.server.compression-window-bits with value '16' is invalid: It must be 9 to 15");
        assertFailure("websocket.server.compression-peer-window-bits=7", "Property websocket.server.compression-peer-window-bits with value '7' is invalid: It must be 9 to 15");
        assertFailure("websocket.client.compression-window-bits=8", "Property websocket.client.compression-window-bits with value '8' is invalid: It must be 9 to 15");
        assertFailure("websocket.server.compression-threshold=3GB", "Property websocket.server.compression-threshold with value '3221225472B' is invalid: It must be 0 to 2GB.");
        assertFailure("websocket.server.pong-timeout=0s", "Property websocket.server.pong-timeout with value 'PT0S' is invalid: It must be positive.");
        assertFailure("websocket.server.idle-timeout=-1s", "Property websocket.server.idle-timeout with value 'PT-1S' is invalid: It must not be negative");
        assertFailure("websocket.server.max-header-size=100B", "Property websocket.server.max-header-size with value '100B' is invalid: It must be 256 bytes to 2GB.");
        assertFailure("websocket.client.connect-timeout=0ms", "Property websocket.client.connect-timeout with value 'PT0S' is invalid: It must be positive.");
        assertFailure("websocket.server.port=70000", "Property websocket.server.port with value '70000' is invalid: It must be 0-65535");
        assertFailure("websocket.metrics.close-codes=1000", "Property websocket.metrics.close-codes[0] with value '1000' is invalid: It must be an application close code");
    }

    @Test
    void severalBadValuesAreAllNamed() {
        runner.withPropertyValues("websocket.server.port=-1", "websocket.client.max-fragments=0",
                "websocket.server.extensions=nope").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(FailureMessages.of(context.getStartupFailure())).contains(
                            "Property websocket.server.extensions[0] with value 'nope' is invalid",
                            "also invalid: websocket.server.port, websocket.client.max-fragments");
                });
    }

    @Test
    void unparsableValueFailsNamingTheKey() {
        assertFailure("websocket.server.max-message-size=lots", "websocket.server.max-message-size");
        assertFailure("websocket.server.idle-timeout=soon", "websocket.server.idle-timeout");
        assertFailure("websocket.server.backpressure-policy=drop", "websocket.server.backpressure-policy");
    }

    @Test
    void virtualHandlerExecutorNeedsJava21() {
        ApplicationContextRunner virtual = runner.withPropertyValues("websocket.server.handler-executor=virtual");
        if (Runtime.version().feature() >= 21) {
            virtual.run(context -> assertThat(context).hasNotFailed());
        } else {
            assertFailure("websocket.server.handler-executor=virtual",
                    "Property websocket.server.handler-executor with value 'virtual' is invalid: Virtual threads need Java 21");
        }
    }

    @Test
    void missingSslBundleFailsNamingTheKey() {
        assertFailure("websocket.server.ssl.bundle=nope",
                "Property websocket.server.ssl.bundle with value 'nope' is invalid: There is no SSL bundle named 'nope'");
    }

    @Test
    void missingExecutorBeanFailsNamingTheKey() {
        assertFailure("websocket.server.handler-executor=myExecutor", "Property websocket.server.handler-executor with value 'myExecutor' is invalid:",
                "There is no Executor bean named 'myExecutor'");
    }

    @Test
    void aMisspelledKeyFailsTheStartNamingItAndTheNearestRealKey() {
        assertFailure("websocket.server.max-mesage-size=1MB",
                "Property websocket.server.max-mesage-size with value '1MB' is invalid:",
                "There is no such property: did you mean websocket.server.max-message-size?");
        assertFailure("websocket.client.conect-timeout=3s", "websocket.client.conect-timeout",
                "did you mean websocket.client.connect-timeout?");
        assertFailure("websocket.serverr.port=1", "websocket.serverr.port", "There is no such property");
        // indexed keys of real lists are fine, and a wrong type is refused naming the key
        runner.withPropertyValues("websocket.server.extensions[0]=permessage-deflate",
                "websocket.server.allowed-origins[0]=https://a.example").run(context ->
                assertThat(context).hasNotFailed());
        assertFailure("websocket.server.port=eighty", "websocket.server.port", "eighty");
    }

    @Test
    void theKnownKeysAreExactlyThoseOfTheMetadata() throws Exception {
        String json = new String(getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")
                .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        java.util.Set<String> documented = new java.util.TreeSet<>(
                com.jayway.jsonpath.JsonPath.<List<String>>read(json, "$.properties[*].name"));
        documented.removeIf(name -> !name.startsWith("websocket."));
        assertThat(UnknownPropertyCheck.knownKeys()).isEqualTo(documented);
    }

    private void assertFailure(String property, String... fragments) {
        runner.withPropertyValues(property).run(context -> {
            assertThat(context).hasFailed();
            assertThat(FailureMessages.of(context.getStartupFailure())).contains(List.of(fragments));
        });
    }

    @Test
    void everySpellingRelaxedBindingAcceptsIsAKnownKey() {
        runner.withPropertyValues("websocket.server.maxMessageSize=2MB", "websocket.server.idle_timeout=7s")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    WebSocketProperties.Server s = context.getBean(WebSocketProperties.class).getServer();
                    assertThat(s.getMaxMessageSize()).isEqualTo(org.springframework.util.unit.DataSize.ofMegabytes(2));
                    assertThat(s.getIdleTimeout()).isEqualTo(java.time.Duration.ofSeconds(7));
                });
    }

    @Test
    void clientAuthNeedsABundleWithATrustStoreAndIsAServerSetting() {
        assertFailure("websocket.server.ssl.client-auth=need",
                "websocket.server.ssl.client-auth", "Client authentication needs TLS: set websocket.server.ssl.bundle too.");
        assertFailure("websocket.client.ssl.client-auth=want",
                "websocket.client.ssl.client-auth", "It is a server setting");
    }
}
