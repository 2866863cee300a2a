package dev.seed.websocket.internal;

import dev.seed.websocket.ConnectionListener.Side;
import dev.seed.websocket.WebSocketHandler;

/**
 * What every connection of one route (server) or of one connect call (client) shares: the
 * endpoint's settings and listeners, the side, the handler, who the connection reports to, and
 * the route it was accepted on. A connection holds one reference to it instead of a field for
 * each: idle connections are many, and these never differ between a route's connections.
 * Immutable.
 */
final class ConnectionSetup {

    private final EndpointConfig config;
    private final Side side;
    private final WebSocketHandler handler;
    private final ConnectionOwner owner;
    /** The server route the connection was accepted on; null for a client connection. */
    private final Router.Route route;
    /** Whether the handler takes messages in parts (asked once). */
    private final boolean handlerTakesParts;
    /** The endpoint's connection listeners, asked on every message: one hop from the connection. */
    private final ConnectionListeners listeners;

    private ConnectionSetup(EndpointConfig config, Side side, WebSocketHandler handler, ConnectionOwner owner,
            Router.Route route) {
        this.config = config;
        this.side = side;
        this.handler = handler;
        this.owner = owner;
        this.route = route;
        this.handlerTakesParts = handler.receivesParts();
        this.listeners = config.connectionListeners();
    }

    /** The setup of the connections a server accepts on {@code route}. */
    static ConnectionSetup server(EndpointConfig config, Router.Route route, ConnectionOwner owner) {
        return new ConnectionSetup(config, Side.SERVER, route.handler(), owner, route);
    }

    /** The setup of one client connection. */
    static ConnectionSetup client(EndpointConfig config, WebSocketHandler handler, ConnectionOwner owner) {
        return new ConnectionSetup(config, Side.CLIENT, handler, owner, null);
    }

    EndpointConfig config() {
        return config;
    }

    Side side() {
        return side;
    }

    WebSocketHandler handler() {
        return handler;
    }

    /** Told once on the loop when a connection is finished; keeps the server's topics. */
    ConnectionOwner owner() {
        return owner;
    }

    /** The server route, or null for a client. */
    Router.Route route() {
        return route;
    }

    boolean handlerTakesParts() {
        return handlerTakesParts;
    }

    /** The endpoint's connection listeners (metrics), each call guarded; never null. */
    ConnectionListeners listeners() {
        return listeners;
    }
}
