package dev.seed.websocket.internal;

import dev.seed.websocket.ConnectionListener;
import dev.seed.websocket.HandshakeInterceptor;
import dev.seed.websocket.OriginCheck;
import dev.seed.websocket.protocol.ProtocolEngine;
import dev.seed.websocket.protocol.Role;
import dev.seed.websocket.protocol.WebSocketProtocol;
import dev.seed.websocket.protocol.Hixie76Protocol;
import dev.seed.websocket.protocol.extension.Extension;
import dev.seed.websocket.protocol.handshake.HandshakeException;
import dev.seed.websocket.protocol.handshake.HttpHeaders;
import dev.seed.websocket.protocol.handshake.HttpRequest;
import dev.seed.websocket.protocol.handshake.HttpRequestParser;
import dev.seed.websocket.protocol.handshake.HttpResponse;
import dev.seed.websocket.protocol.handshake.ServerHandshake;
import dev.seed.websocket.protocol.handshake.WebSocketVersion;
import dev.seed.websocket.transport.EventLoop;
import dev.seed.websocket.transport.SocketTransport;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The server side of one TCP connection until its opening handshake is answered (RFC 6455
 * section 4.2): reads the request incrementally within the header bound and the handshake
 * timeout, routes it, checks origin, capacity and the interceptor, then either answers with an
 * HTTP error and closes, or answers 101 and hands the transport to a {@link WsConnection}.
 * Loop thread only.
 */
final class ServerUpgrade implements SocketTransport.Handler {

    private final ServerRuntime server;
    private final SocketTransport transport;
    private final EventLoop loop;
    private final HttpRequestParser parser;
    private EventLoop.Timer timer;
    /** Whether the request was answered (refused or upgraded): later bytes are not ours. */
    private boolean answered;
    /** Whether the transport now belongs to a WebSocket connection. */
    private boolean upgraded;
    /** Whether the origin check decided (or timed out): the first of the two wins. Loop only. */
    private boolean originDecided;

    ServerUpgrade(ServerRuntime server, SocketTransport transport) {
        this.server = server;
        this.transport = transport;
        this.loop = transport.loop();
        this.parser = new HttpRequestParser(server.config().maxHeaderSize());
    }

    void start() {
        timer = loop.schedule(this::timedOut, server.config().handshakeTimeout().toNanos());
        transport.start(this, false);
    }

    private void timedOut() {
        if (!answered) {
            reject(408, "Opening handshake timed out."); // (reject counts the refusal)
        } else if (!upgraded) {
            transport.close(null);
        }
    }

    @Override
    public void onConnected() {
        // TCP (and TLS) established: wait for the request.
    }

    @Override
    public void onData(ByteBuffer data) {
        if (answered) {
            data.position(data.limit());
            return;
        }
        HttpRequest request;
        try {
            request = parser.parse(data);
        } catch (HandshakeException e) {
            server.handshakeRefused(e.status());
            refuse(e.toResponse(json()), e.status());
            data.position(data.limit());
            return;
        }
        if (request != null) {
            handle(request, data);
        }
    }

    private void handle(HttpRequest request, ByteBuffer rest) {
        answered = true;
        Router.Match match = server.router().match(request.path());
        if (match == null) {
            reject(404, "No WebSocket endpoint at this path.");
            return;
        }
        String origin = request.origin();
        if (!server.originAllowed(origin)) {
            reject(403, "Origin not allowed.");
            return;
        }
        OriginCheck check = server.settings().originCheck();
        if (check == null) {
            upgrade(request, match, rest);
            return;
        }
        CompletableFuture<Boolean> decision;
        try {
            DefaultHandshakeRequest view = DefaultHandshakeRequest.ofServerRequest(request, match.variables(),
                    (InetSocketAddress) transport.remoteAddress());
            decision = check.check(origin, view).toCompletableFuture();
        } catch (RuntimeException e) {
            reject(500, "Origin check failed.");
            return;
        }
        if (decision.isDone()) {
            originDecided(decision, request, match, rest);
            return;
        }
        // Decided later (on another thread): the rest of the read is the loop's buffer, keep a copy.
        // The origin check's own limit replaces the handshake timer meanwhile (408 either way).
        ByteBuffer kept = LentBuffers.copy(rest);
        timer.cancel();
        timer = loop.schedule(() -> {
            if (!originDecided && !transport.isClosed()) {
                originDecided = true;
                reject(408, "Origin check timed out.");
            }
        }, server.settings().originCheckTimeout().toNanos());
        decision.whenComplete((ok, e) -> {
            try {
                loop.execute(() -> {
                    timer.cancel();
                    originDecided(decision, request, match, kept);
                });
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                // the server stopped meanwhile: the socket goes with it
            }
        });
    }

    /** The origin check answered (on the loop): upgrade, or refuse. */
    private void originDecided(CompletableFuture<Boolean> decision, HttpRequest request, Router.Match match,
            ByteBuffer rest) {
        if (originDecided || transport.isClosed()) {
            return;
        }
        originDecided = true;
        Boolean ok;
        try {
            ok = decision.join();
        } catch (RuntimeException e) {
            reject(500, "Origin check failed.");
            return;
        }
        if (!Boolean.TRUE.equals(ok)) {
            reject(403, "Origin not allowed.");
            return;
        }
        upgrade(request, match, rest);
    }

    /** The request passed the route and origin checks: capacity, the handshake, the interceptor, the upgrade. */
    private void upgrade(HttpRequest request, Router.Match match, ByteBuffer rest) {
        InetSocketAddress remote = (InetSocketAddress) transport.remoteAddress();
        String capacity = server.capacityRefusal(remote);
        if (capacity != null) {
            reject(503, capacity);
            return;
        }
        ServerHandshake.Accepted accepted;
        try {
            accepted = server.handshake().accept(request, match.route().subprotocols(), transport.secure());
        } catch (HandshakeException e) {
            server.handshakeRefused(e.status());
            refuse(e.toResponse(json()), e.status());
            return;
        }
        DefaultHandshakeRequest view = DefaultHandshakeRequest.ofServerRequest(request, match.variables(), remote);
        Interception interception = new Interception();
        HandshakeInterceptor interceptor = server.interceptor();
        if (interceptor != null) {
            try {
                interceptor.beforeUpgrade(view, interception);
            } catch (RuntimeException e) {
                closeExtensions(accepted);
                reject(500, "Handshake interceptor failed.");
                return;
            }
            if (interception.status != 0) {
                closeExtensions(accepted);
                // the interceptor's headers go with its refusal (WWW-Authenticate, Retry-After)
                HttpHeaders extra = new HttpHeaders();
                try {
                    interception.headers.forEach((name, values) -> values.forEach(v -> extra.add(name, v)));
                } catch (RuntimeException e) {
                    reject(500, "Handshake interceptor failed.");
                    return;
                }
                reject(interception.status, interception.message, extra);
                return;
            }
            try {
                // Header names and values are checked here: one with a line break or a control
                // character refuses the upgrade instead of breaking the answer.
                interception.headers.forEach((name, values) -> values.forEach(v -> accepted.responseHeaders().add(name, v)));
            } catch (RuntimeException e) {
                closeExtensions(accepted);
                reject(500, "Handshake interceptor failed.");
                return;
            }
        }
        transport.write(accepted.responseBytes());
        List<String> extensionNames = new ArrayList<>();
        for (Extension e : accepted.extensions()) {
            extensionNames.add(e.parameters().toString());
        }
        upgraded = true;
        timer.cancel();
        WsConnection connection = new WsConnection(transport, server.config(), ConnectionListener.Side.SERVER,
                match.route().handler(), RetainedHandshakeRequest.of(request, match.variables(), remote,
                        match.route().path().pattern(), interception.userId),
                accepted.subprotocol(), extensionNames, server.maxLifetime(),
                server);
        interception.attributes.forEach(connection::attribute);
        ProtocolEngine engine = accepted.version() == WebSocketVersion.HIXIE_76
                ? new Hixie76Protocol(connection, connection, server.config().protocol().maxMessageSize())
                : new WebSocketProtocol(Role.SERVER, server.config().protocol(), accepted.extensions(), connection,
                        connection);
        server.connectionOpened(connection);
        connection.open(engine, rest);
    }

    private static void closeExtensions(ServerHandshake.Accepted accepted) {
        accepted.extensions().forEach(Extension::close);
    }

    private void reject(int status, String message) {
        reject(status, message, new HttpHeaders());
    }

    private void reject(int status, String message, HttpHeaders extraHeaders) {
        server.handshakeRefused(status);
        refuse(HttpResponse.refusal(status, message, extraHeaders, json()), status);
    }

    /** Whether refusals have a JSON body (the server's refusal format). */
    private boolean json() {
        return server.refusalFormat() == dev.seed.websocket.RefusalFormat.JSON;
    }

    /** Answers with an HTTP error, then closes once it is written (the peer may still read it). */
    private void refuse(HttpResponse response, int status) {
        answered = true;
        transport.write(response.toBytes());
        transport.shutdownOutputAfterFlush();
        if (timer != null) {
            timer.cancel();
        }
        timer = loop.schedule(() -> transport.close(null), server.config().closeTimeout().toNanos());
    }

    @Override
    public void onEof() {
        if (!upgraded) {
            transport.close(null);
        }
    }

    @Override
    public void onClosed(Throwable cause) {
        if (timer != null) {
            timer.cancel();
        }
        if (!upgraded) {
            server.handshakeEnded(transport);
        }
    }

    /** What the interceptor decided. */
    private static final class Interception implements HandshakeInterceptor.UpgradeResponse {
        int status;
        String message;
        final Map<String, List<String>> headers = new LinkedHashMap<>();
        final Map<String, Object> attributes = new LinkedHashMap<>();
        String userId;

        @Override
        public void reject(int status, String message) {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("A refusal status is 4xx or 5xx: " + status);
            }
            this.status = status;
            this.message = message == null ? "Refused." : message;
        }

        @Override
        public void header(String name, String value) {
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }

        @Override
        public void attribute(String name, Object value) {
            attributes.put(name, value);
        }

        @Override
        public void userId(String userId) {
            this.userId = userId;
        }
    }

}
