package dev.seed.websocket.internal;

import dev.seed.websocket.BeforeHandshake;
import dev.seed.websocket.ConnectOptions;
import dev.seed.websocket.ConnectionListener;
import dev.seed.websocket.HandshakeFailedException;
import dev.seed.websocket.HandshakeResponseCheck;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketException;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.protocol.Hixie76Protocol;
import dev.seed.websocket.protocol.ProtocolEngine;
import dev.seed.websocket.protocol.handshake.WebSocketVersion;
import dev.seed.websocket.protocol.Role;
import dev.seed.websocket.protocol.WebSocketProtocol;
import dev.seed.websocket.protocol.extension.Extension;
import dev.seed.websocket.protocol.handshake.ClientHandshake;
import dev.seed.websocket.protocol.handshake.HandshakeException;
import dev.seed.websocket.protocol.handshake.HttpHeaders;
import dev.seed.websocket.protocol.handshake.HttpResponse;
import dev.seed.websocket.protocol.handshake.HttpResponseParser;
import dev.seed.websocket.transport.EventLoop;
import dev.seed.websocket.transport.SocketTransport;
import dev.seed.websocket.transport.Transport;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLHandshakeException;

/**
 * The client side of one TCP connection until the opening handshake completes (RFC 6455 section
 * 4.1): optional HTTP CONNECT tunnel, optional TLS, the upgrade request, the response's
 * validation, redirects. Then hands the transport to a {@link WsConnection}. Loop thread only.
 */
final class ClientUpgrade implements Transport.Handler {

    private enum Phase { CONNECTING, PROXY, HANDSHAKE, REFUSAL_BODY, HIXIE_CHALLENGE, DONE }

    /** Most bytes of a refusal's body kept for the exception. */
    private static final int MAX_REFUSAL_BODY = 4096;

    private final ClientRuntime client;
    private final URI uri;
    private final ConnectOptions options;
    private final WebSocketHandler handler;
    private final CompletableFuture<WebSocketConnection> result;
    private final int redirectsLeft;
    private final SocketTransport transport;
    private final EventLoop loop;
    private final ClientHandshake handshake;
    private HttpResponseParser parser;
    private Phase phase = Phase.CONNECTING;
    private EventLoop.Timer timer;
    /** Whether the connect timer was replaced by the handshake timer. */
    private boolean handshakeTimerArmed;
    /** A refusal whose body is still arriving, and the body so far. */
    private HttpResponse refusal;
    /** hixie-76: the accepted head while the 16 bytes of its proof arrive, and those bytes. */
    private HttpResponse hixieResponse;
    private ClientHandshake.Result hixieAccepted;
    private java.io.ByteArrayOutputStream hixieProof;
    private java.io.ByteArrayOutputStream refusalBody;
    private int refusalBodyWanted;

    ClientUpgrade(ClientRuntime client, URI uri, ConnectOptions options, WebSocketHandler handler,
            CompletableFuture<WebSocketConnection> result, int redirectsLeft, SocketTransport transport) {
        this.client = client;
        this.uri = uri;
        this.options = options;
        this.handler = handler;
        this.result = result;
        this.redirectsLeft = redirectsLeft;
        this.transport = transport;
        this.loop = transport.loop();
        ClientHandshake.Builder b = ClientHandshake.builder(uri)
                .version(options.version())
                .origin(options.origin())
                .subprotocols(options.subprotocols())
                .extensions(client.config().extensions())
                .cookies(options.cookies());
        options.headers().forEach((name, values) -> values.forEach(v -> b.header(name, v)));
        this.handshake = b.build();
    }

    void start(boolean connecting) {
        // The connect timeout covers TCP and TLS; the handshake timeout the proxy tunnel and upgrade.
        Duration connect = options.connectTimeout() != null ? options.connectTimeout() : client.connectTimeout();
        timer = loop.schedule(this::timedOut, connect.toNanos());
        transport.start(this, connecting);
    }

    private void timedOut() {
        if (phase != Phase.DONE) {
            fail(new WebSocketException(phase == Phase.CONNECTING
                    ? "Connect to " + uri.getHost() + ":" + handshake.port() + " timed out."
                    : "Opening handshake with " + uri + " timed out."));
        }
    }

    @Override
    public void onConnected() {
        if (phase == Phase.CONNECTING && !handshakeTimerArmed) {
            handshakeTimerArmed = true;
            timer.cancel();
            Duration hs = options.handshakeTimeout() != null ? options.handshakeTimeout()
                    : client.config().handshakeTimeout();
            timer = loop.schedule(this::timedOut, hs.toNanos());
        }
        if (phase == Phase.CONNECTING && options.proxy() != null && !transport.secure()) {
            phase = Phase.PROXY;
            parser = new HttpResponseParser(client.config().maxHeaderSize());
            transport.write(connectRequest());
            transport.flush();
            return;
        }
        ByteBuffer request;
        try {
            request = handshake.requestBytes(headersBeforeHandshake());
        } catch (RuntimeException e) {
            fail(new WebSocketException("beforeHandshake failed: " + e.getMessage(), e));
            transport.close(null);
            return;
        }
        phase = Phase.HANDSHAKE;
        parser = new HttpResponseParser(client.config().maxHeaderSize());
        transport.write(request);
        transport.flush();
    }

    /** What the application's beforeHandshake hook adds to the request (empty without a hook). */
    private HttpHeaders headersBeforeHandshake() {
        HttpHeaders extra = new HttpHeaders();
        BeforeHandshake hook = options.beforeHandshake();
        if (hook == null) {
            return extra;
        }
        InetSocketAddress local = (InetSocketAddress) transport.localAddress();
        InetSocketAddress remote = (InetSocketAddress) transport.remoteAddress();
        hook.beforeHandshake(new BeforeHandshake.Connecting() {
            @Override
            public URI uri() {
                return uri;
            }

            @Override
            public InetSocketAddress localAddress() {
                return local;
            }

            @Override
            public InetSocketAddress remoteAddress() {
                return remote;
            }

            @Override
            public void header(String name, String value) {
                extra.add(name, value);
            }
        });
        return extra;
    }

    private ByteBuffer connectRequest() {
        String authority = uri.getHost() + ":" + handshake.port();
        StringBuilder sb = new StringBuilder();
        sb.append("CONNECT ").append(authority).append(" HTTP/1.1\r\n");
        sb.append("Host: ").append(authority).append("\r\n");
        if (options.proxyUser() != null) {
            String credentials = options.proxyUser() + ":" + (options.proxyPassword() == null ? "" : options.proxyPassword());
            sb.append("Proxy-Authorization: Basic ")
                    .append(Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                    .append("\r\n");
        }
        sb.append("\r\n");
        return ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    @Override
    public void onData(ByteBuffer data) {
        if (phase == Phase.REFUSAL_BODY) {
            readRefusalBody(data);
            return;
        }
        if (phase == Phase.HIXIE_CHALLENGE) {
            readHixieProof(data);
            return;
        }
        if (phase == Phase.DONE || phase == Phase.CONNECTING) {
            data.position(data.limit());
            return;
        }
        HttpResponse response;
        try {
            response = parser.parse(data);
        } catch (HandshakeException e) {
            fail(new HandshakeFailedException(e.getMessage(), 0, Map.of(), ""));
            return;
        }
        if (response == null) {
            return;
        }
        if (phase == Phase.PROXY) {
            tunnelAnswered(response, data);
        } else {
            upgradeAnswered(response, data);
        }
    }

    private void tunnelAnswered(HttpResponse response, ByteBuffer rest) {
        if (response.status() / 100 != 2) {
            fail(refused("Proxy refused the tunnel with status " + response.status() + ".", response));
            return;
        }
        if (handshake.secure()) {
            phase = Phase.CONNECTING;
            transport.startTls(Tls.clientEngine(client.sslContext(), client.config(),
                    uri.getHost(), handshake.port()));
            return;
        }
        onConnected();
        if (rest.hasRemaining()) {
            onData(rest);
        }
    }

    private void upgradeAnswered(HttpResponse response, ByteBuffer rest) {
        int status = response.status();
        if (status >= 300 && status < 400 && response.header("Location") != null && redirectsLeft > 0) {
            phase = Phase.DONE;
            timer.cancel();
            URI next;
            try {
                next = redirectTarget(response.header("Location"));
            } catch (IllegalArgumentException e) {
                fail(refused("Invalid redirect location.", response));
                return;
            }
            if (handshake.secure() && next.getScheme().equals("ws") && !options.allowInsecureRedirects()) {
                fail(refused("Refused to follow a redirect from wss to ws (" + next
                        + "); allowInsecureRedirects(true) allows it.", response));
                return;
            }
            transport.close(null);
            client.connect(next, sameOrigin(uri, next) ? options : withoutCredentials(options), handler, result,
                    redirectsLeft - 1);
            return;
        }
        if (status != 101 && bodyLength(response) > 0) {
            // Keep the start of the refusal's body: it usually says why (bounded, within the timer).
            phase = Phase.REFUSAL_BODY;
            refusal = response;
            refusalBody = new java.io.ByteArrayOutputStream();
            refusalBodyWanted = Math.min(bodyLength(response), MAX_REFUSAL_BODY);
            readRefusalBody(rest);
            return;
        }
        ClientHandshake.Result accepted;
        try {
            accepted = handshake.validate(response);
        } catch (HandshakeException e) {
            fail(refused(e.getMessage(), response));
            return;
        }
        if (handshake.version() == WebSocketVersion.HIXIE_76) {
            // draft-hixie-76 section 4.1 step 42: 16 bytes follow the head, the proof to check
            phase = Phase.HIXIE_CHALLENGE;
            hixieResponse = response;
            hixieAccepted = accepted;
            hixieProof = new java.io.ByteArrayOutputStream(16);
            readHixieProof(rest);
            return;
        }
        open(response, accepted, rest);
    }

    private void readHixieProof(ByteBuffer data) {
        int n = Math.min(16 - hixieProof.size(), data.remaining());
        byte[] chunk = new byte[n];
        data.get(chunk);
        hixieProof.writeBytes(chunk);
        if (hixieProof.size() < 16) {
            return;
        }
        try {
            handshake.validateHixie76Challenge(hixieResponse, hixieProof.toByteArray());
        } catch (HandshakeException e) {
            fail(refused(e.getMessage(), hixieResponse));
            transport.close(null);
            return;
        }
        open(hixieResponse, hixieAccepted, data);
    }

    /** The handshake is done: the connection opens with the engine of its version. */
    private void open(HttpResponse response, ClientHandshake.Result accepted, ByteBuffer rest) {
        phase = Phase.DONE;
        timer.cancel();
        DefaultHandshakeRequest view = new DefaultHandshakeRequest(uri, handshake.request().path(),
                handshake.request().query(), handshake.request().headers(), options.cookies(), options.origin(),
                Map.of(), (InetSocketAddress) transport.remoteAddress());
        ReceivedHandshakeResponse answer = new ReceivedHandshakeResponse(response);
        String refusedBecause = checkResponse(answer);
        if (refusedBecause != null) {
            accepted.extensions().forEach(Extension::close);
            fail(refused(refusedBecause, response));
            transport.close(null);
            return;
        }
        WsConnection connection = new WsConnection(transport, ConnectionSetup.client(client.config(), handler, client),
                null, new ConnectionExtras(null, null, Map.of(), view), accepted.subprotocol(), null);
        view.response(answer);
        ProtocolEngine engine = handshake.version() == WebSocketVersion.HIXIE_76
                ? new Hixie76Protocol(connection, connection, client.config().protocol().maxMessageSize())
                : new WebSocketProtocol(Role.CLIENT, client.config().protocol(), accepted.extensions(), connection,
                        connection);
        client.connectionOpened(connection);
        connection.open(engine, rest);
        if (!result.complete(connection)) {
            connection.abort(); // the connect failed meanwhile (timed out): nobody holds this connection
        }
    }

    /** The application's check of the 101 answer: null accepts, a reason refuses (one that throws refuses). */
    private String checkResponse(ReceivedHandshakeResponse answer) {
        HandshakeResponseCheck check = options.responseCheck();
        if (check == null) {
            return null;
        }
        try {
            return check.check(answer);
        } catch (RuntimeException e) {
            return "Response check failed: " + e.getMessage();
        }
    }

    private static int bodyLength(HttpResponse response) {
        String length = response.header("Content-Length");
        if (length == null) {
            return response.header("Transfer-Encoding") == null ? MAX_REFUSAL_BODY : 0;
        }
        try {
            return (int) Math.min(Integer.MAX_VALUE, Math.max(0, Long.parseLong(length.trim())));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void readRefusalBody(ByteBuffer data) {
        int n = Math.min(data.remaining(), refusalBodyWanted - refusalBody.size());
        byte[] chunk = new byte[n];
        data.get(chunk);
        data.position(data.limit());
        refusalBody.writeBytes(chunk);
        if (refusalBody.size() >= refusalBodyWanted) {
            failRefused();
        }
    }

    private void failRefused() {
        HttpResponse r = refusal;
        HttpResponse withBody = new HttpResponse(r.status(), r.reason(), r.headers(), refusalBody.toByteArray());
        fail(refused("Server refused the handshake with status " + r.status() + ".", withBody));
    }

    /** Whether two ws/wss URIs have the same origin: scheme, host and port (RFC 6454 section 4). */
    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && effectivePort(a) == effectivePort(b);
    }

    private static int effectivePort(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "wss".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** What a redirect to another origin may carry: not the credentials meant for this one. */
    private static ConnectOptions withoutCredentials(ConnectOptions options) {
        return options.toBuilder().removeHeader("Authorization").removeHeader("Proxy-Authorization")
                .removeHeader("Cookie").clearCookies().build();
    }

    private URI redirectTarget(String location) {
        URI target = uri.resolve(location);
        if (target.getHost() == null) {
            throw new IllegalArgumentException("no host in " + location);
        }
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        String mapped = switch (scheme) {
            case "http", "ws" -> "ws";
            case "https", "wss" -> "wss";
            default -> throw new IllegalArgumentException("scheme " + scheme);
        };
        return URI.create(mapped + target.toString().substring(scheme.length()));
    }

    private static HandshakeFailedException refused(String message, HttpResponse response) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        HttpHeaders h = response.headers();
        for (String name : h.names()) {
            headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(h.getAll(name)));
        }
        byte[] body = response.body();
        String text = body == null ? "" : new String(body, 0, Math.min(body.length, 512), StandardCharsets.UTF_8);
        return new HandshakeFailedException(message, response.status(), headers, text);
    }

    private void fail(Throwable error) {
        if (phase == Phase.DONE && result.isDone()) {
            return;
        }
        phase = Phase.DONE;
        if (timer != null) {
            timer.cancel();
        }
        int status = error instanceof HandshakeFailedException h ? h.status() : 0;
        client.config().connectionListeners().onHandshakeRefused(ConnectionListener.Side.CLIENT, status);
        result.completeExceptionally(error);
        transport.close(null);
    }

    @Override
    public void onEof() {
        if (phase == Phase.REFUSAL_BODY) {
            failRefused();
            return;
        }
        if (phase != Phase.DONE) {
            fail(new WebSocketException("Connection closed by " + uri.getHost() + " during the opening handshake."));
        }
    }

    @Override
    public void onClosed(Throwable cause) {
        if (phase != Phase.DONE) {
            String what = cause == null ? "Connection closed during the opening handshake."
                    : cause instanceof SSLHandshakeException ? "TLS handshake with " + uri.getHost() + " failed: " + cause.getMessage()
                    : "Cannot connect to " + uri.getHost() + ":" + handshake.port() + ": " + cause.getMessage();
            fail(new WebSocketException(what, cause));
        }
    }
}
