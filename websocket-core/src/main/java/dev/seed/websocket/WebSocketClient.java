package dev.seed.websocket;

import dev.seed.websocket.internal.ClientRuntime;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A WebSocket client on plain Java NIO: ws and wss, extensions, subprotocols, proxies, redirects
 * and optional reconnection. One client holds its event loops; share it between connections and
 * close it when done. Thread safe.
 *
 * <pre>{@code
 * WebSocketClient client = WebSocketClient.builder().extensions("permessage-deflate").build();
 * WebSocketConnection c = client.connect(URI.create("ws://127.0.0.1:9001/echo"), handler).get();
 * }</pre>
 */
public final class WebSocketClient implements AutoCloseable {

    /** Default TCP connect timeout. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final ClientRuntime runtime;

    private WebSocketClient(ClientRuntime runtime) {
        this.runtime = runtime;
    }

    /** A client with every default. */
    public static WebSocketClient create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Connects and completes with the open connection, or fails (refusal: {@link HandshakeFailedException}). */
    public CompletableFuture<WebSocketConnection> connect(URI uri, WebSocketHandler handler) {
        return connect(uri, ConnectOptions.defaults(), handler);
    }

    /** Connects with per-connection options. */
    public CompletableFuture<WebSocketConnection> connect(URI uri, ConnectOptions options, WebSocketHandler handler) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        return runtime.connect(uri, options, handler);
    }

    /**
     * Opens a connection that reconnects on its own and stays one object across its connections:
     * sends while it is not connected are queued, events tell each reconnection and the end (see
     * {@link ReconnectingConnection}). The policy is {@code options.reconnect()}, or
     * {@link ReconnectPolicy#exponential()} when it has none. Returns at once; the first attempt
     * runs meanwhile ({@link ReconnectingConnection#connected()} completes when it opens), and a
     * failed first attempt is retried like a drop. {@link #connect(URI, ConnectOptions, WebSocketHandler)}
     * with a reconnect policy keeps working as before: one future of the first connection, the
     * handler served by the next ones.
     */
    public ReconnectingConnection connectReconnecting(URI uri, ConnectOptions options, WebSocketHandler handler) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        return runtime.connectReconnecting(uri, options, handler);
    }

    /** The open connections of this client. */
    public Collection<WebSocketConnection> connections() {
        return runtime.connections();
    }

    /**
     * How many calls of the {@link ConnectionListener}s threw. A listener that throws is logged
     * (its first failure at WARNING) and counted; the connection goes on.
     */
    public long listenerFailures() {
        return runtime.listenerFailures();
    }

    /** Closes every connection with 1001, waits up to {@code grace}, stops the loops. */
    public void close(Duration grace) {
        runtime.close(grace);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(2));
    }

    /** Builder of {@link WebSocketClient}. Not thread safe. */
    public static final class Builder extends AbstractEndpointBuilder<Builder> {

        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private HostResolver resolver = HostResolver.system();

        private Builder() {
            eventLoops(Math.min(2, Runtime.getRuntime().availableProcessors()));
        }

        /** TCP connect timeout (default 10 s). */
        public Builder connectTimeout(Duration timeout) {
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("connectTimeout must be positive: " + timeout);
            }
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * How host names are resolved (default: the JVM's resolver). Lookups run on the client's
         * own resolver threads, never on an event loop: for first connects, reconnections and
         * redirects alike.
         */
        public Builder resolver(HostResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /** Lets {@code customizer} change this builder (for frameworks). */
        public Builder apply(Consumer<Builder> customizer) {
            customizer.accept(this);
            return this;
        }

        public WebSocketClient build() {
            return new WebSocketClient(new ClientRuntime(endpointConfig(), connectTimeout, resolver));
        }
    }
}
