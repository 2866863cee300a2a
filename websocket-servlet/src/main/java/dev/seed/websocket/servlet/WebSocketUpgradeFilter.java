package dev.seed.websocket.servlet;

import dev.seed.websocket.HostedUpgrades;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.protocol.handshake.HttpHeaders;
import dev.seed.websocket.protocol.handshake.HttpRequest;
import dev.seed.websocket.protocol.handshake.HttpResponse;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Map;

/**
 * Serves a {@link WebSocketServer}'s routes on a servlet container's own port. Put it after the
 * application's security filters (it is the end of the chain for the requests it takes): a
 * WebSocket upgrade request for one of the server's routes gets the server's answer, a 101
 * followed by the HTTP upgrade into a transport on one of the server's loops (on Tomcat its own
 * upgrade handler kind into a {@link TomcatTransport}; on Jetty 12 its own connection upgrade into
 * a {@link JettyTransport}, its Servlet upgrade cannot carry a WebSocket; elsewhere the Servlet
 * API's into a {@link ServletTransport}), or the server's HTTP refusal (404, 403, 400, 426, 503,
 * an interceptor's status with its body); every other request goes on down the chain untouched.
 *
 * <p>A request is a WebSocket request when its path (within the servlet context) is a route and
 * it carries {@code Upgrade: websocket} or a {@code Sec-WebSocket-Key} or
 * {@code Sec-WebSocket-Version} field: a malformed handshake to a route then gets the RFC's
 * answer, while a plain GET of the same path stays the application's.
 *
 * <p>The server must be built with {@code listen(false)} and started. The container's request
 * thread waits for the server's decision, which an origin check or an asynchronous interceptor
 * may delay up to its timeout; the server's event loops never wait.
 */
public class WebSocketUpgradeFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(WebSocketUpgradeFilter.class.getName());

    private final transient WebSocketServer server;
    /** Whether every container gets the Servlet API's upgrade, Tomcat and Jetty too (tests of that path). */
    private final boolean servletApiOnly;

    public WebSocketUpgradeFilter(WebSocketServer server) {
        this(server, false);
    }

    WebSocketUpgradeFilter(WebSocketServer server, boolean servletApiOnly) {
        this.server = server;
        this.servletApiOnly = servletApiOnly;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = pathWithinContext(request);
        // HTTP/1.1 only: an HTTP/2 request (RFC 8441's extended CONNECT) is the container's business
        if (!looksLikeWebSocket(request) || !request.getProtocol().startsWith("HTTP/1.") || !server.isRoute(path)) {
            chain.doFilter(request, response);
            return;
        }
        if (!server.isRunning()) { // not started yet, or stopped while the web server goes on
            write(response, NOT_RUNNING);
            return;
        }
        upgrade(request, response, path);
    }

    private static final HttpResponse NOT_RUNNING = HttpResponse.refusal(503, "The WebSocket server is not running.");

    /** Whether the request asks for a WebSocket, well-formed or not (RFC 6455 section 4.1 fields). */
    static boolean looksLikeWebSocket(HttpServletRequest request) {
        String upgrade = request.getHeader("Upgrade");
        if (upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("websocket")) {
            return true;
        }
        return request.getHeader("Sec-WebSocket-Key") != null || request.getHeader("Sec-WebSocket-Version") != null;
    }

    private void upgrade(HttpServletRequest request, HttpServletResponse response, String path) throws IOException {
        HostedUpgrades hosted;
        try {
            hosted = server.hostedUpgrades();
        } catch (IllegalStateException stopped) { // it stopped since the look above
            write(response, NOT_RUNNING);
            return;
        }
        HttpRequest parsed;
        try {
            parsed = toHttpRequest(request, path);
        } catch (IllegalArgumentException e) {
            // a field the container let through that RFC 7230 does not (our port answers the same)
            write(response, HttpResponse.refusal(400, "Malformed request: " + e.getMessage()));
            return;
        }
        InetSocketAddress remote = address(request.getRemoteAddr(), request.getRemotePort());
        HostedUpgrades.Answer answer;
        try {
            answer = hosted.answer(parsed, remote, request.isSecure(), request.getUserPrincipal()).join();
        } catch (RuntimeException e) { // not expected: every failure of the decision is a refusal
            LOG.log(Level.WARNING, "The upgrade decision failed for " + path, e);
            write(response, HttpResponse.refusal(500, "The upgrade failed."));
            return;
        }
        if (!answer.accepted()) {
            write(response, answer.response());
            return;
        }
        try {
            HttpResponse switching = answer.response();
            response.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
            for (Map.Entry<String, String> field : switching.headers()) {
                response.addHeader(field.getKey(), field.getValue());
            }
            InetSocketAddress local = address(request.getLocalAddr(), request.getLocalPort());
            ContainerKind kind = servletApiOnly ? ContainerKind.OTHER : ContainerKind.of(request);
            AcceptedUpgrade accepted = new AcceptedUpgrade(answer, remote, local, request.isSecure());
            if (kind == ContainerKind.JETTY && JettyUpgrade.prepare(request, accepted)) {
                return; // Jetty swaps our connection in once the 101 is written
            }
            if (kind == ContainerKind.TOMCAT) {
                request.upgrade(TomcatUpgradeHandler.class).prepare(accepted);
                return; // Tomcat hands the handler its socket once the 101 is written
            }
            WebSocketUpgradeHandler handler = request.upgrade(WebSocketUpgradeHandler.class);
            handler.prepare(accepted);
        } catch (IOException | ServletException | RuntimeException e) {
            answer.abandon();
            LOG.log(Level.WARNING, "The container refused the HTTP upgrade of " + path, e);
            if (!response.isCommitted()) {
                response.reset();
                write(response, HttpResponse.refusal(500, "The upgrade failed."));
            }
        }
    }

    /** The request as our handshake reads it: method, target within the context, version and fields. */
    static HttpRequest toHttpRequest(HttpServletRequest request, String path) {
        String query = request.getQueryString();
        HttpHeaders headers = new HttpHeaders();
        for (Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements(); ) {
            String name = names.nextElement();
            for (Enumeration<String> values = request.getHeaders(name); values.hasMoreElements(); ) {
                headers.add(name, values.nextElement());
            }
        }
        String target = query == null ? path : path + "?" + query;
        return new HttpRequest(request.getMethod(), target, request.getProtocol(), headers, new byte[0]);
    }

    /**
     * The undecoded path after the context path, without path parameters ({@code ;jsessionid=...},
     * which the container leaves out of its own mapping too): what the routes match, as on our own
     * port.
     */
    static String pathWithinContext(HttpServletRequest request) {
        String uri = withoutPathParameters(request.getRequestURI());
        String context = withoutPathParameters(request.getContextPath());
        String path = context != null && !context.isEmpty() && uri.startsWith(context)
                ? uri.substring(context.length()) : uri;
        return path.isEmpty() ? "/" : path;
    }

    /** {@code path} without the {@code ;parameters} of its segments (RFC 3986 section 3.3). */
    static String withoutPathParameters(String path) {
        if (path == null || path.indexOf(';') < 0) {
            return path;
        }
        StringBuilder b = new StringBuilder(path.length());
        int i = 0;
        while (i < path.length()) {
            char c = path.charAt(i);
            if (c == ';') {
                int slash = path.indexOf('/', i);
                if (slash < 0) {
                    break;
                }
                // a segment that was only a parameter ("/a/;x/b") leaves none, as the container maps it
                i = b.length() > 0 && b.charAt(b.length() - 1) == '/' ? slash + 1 : slash;
            } else {
                b.append(c);
                i++;
            }
        }
        return b.toString();
    }

    /**
     * A refusal, then the end of the connection (as on our own port): a client that asked for a
     * WebSocket and got an error does not expect to reuse the connection for HTTP.
     */
    private static void write(HttpServletResponse response, HttpResponse answer) throws IOException {
        response.setStatus(answer.status());
        response.setHeader("Connection", "close");
        for (Map.Entry<String, String> field : answer.headers()) {
            String name = field.getKey();
            if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Connection")) {
                continue; // the container's to set
            }
            response.addHeader(name, field.getValue());
        }
        byte[] body = answer.body();
        response.setContentLength(body.length);
        if (body.length > 0) {
            response.getOutputStream().write(body);
        }
    }

    private static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port); // a literal: no look-up
        } catch (java.net.UnknownHostException | RuntimeException e) {
            return InetSocketAddress.createUnresolved(String.valueOf(ip), Math.max(0, port));
        }
    }
}
