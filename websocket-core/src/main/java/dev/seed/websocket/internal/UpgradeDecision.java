package dev.seed.websocket.internal;

import dev.seed.websocket.AsyncHandshakeInterceptor;
import dev.seed.websocket.HandshakeInterceptor;
import dev.seed.websocket.OriginCheck;
import dev.seed.websocket.RefusalFormat;
import dev.seed.websocket.protocol.extension.Extension;
import dev.seed.websocket.protocol.handshake.HandshakeException;
import dev.seed.websocket.protocol.handshake.HttpHeaders;
import dev.seed.websocket.protocol.handshake.HttpRequest;
import dev.seed.websocket.protocol.handshake.HttpResponse;
import dev.seed.websocket.protocol.handshake.ServerHandshake;
import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * What a server answers to one parsed upgrade request, whatever carried it (our socket, a servlet
 * container): the route, the Origin (RFC 6455 section 10.2: the allow-list, then the
 * {@link OriginCheck}), the capacity, the handshake itself (section 4.2.2) and the handshake
 * interceptor, in that order. Either step that may take its time (the origin check, an
 * asynchronous interceptor) is bounded by its own timeout (408). The verdict completes on the
 * caller's thread when nothing was asynchronous, else on the thread that finished the last step.
 * Each refusal is counted once ({@code onHandshakeRefused}).
 */
final class UpgradeDecision {

    /** The request is refused with this answer. */
    record Refused(HttpResponse response) implements Verdict {
    }

    /** The request is accepted: the 101 to send, and what the connection opens with. */
    record Accepted(ServerHandshake.Accepted handshake, Router.Match match, HttpRequest request,
            InetSocketAddress remote, Interception interception) implements Verdict {

        /** Releases the extensions' state when the accepted request will not open after all. */
        void abandon() {
            handshake.extensions().forEach(Extension::close);
        }

        /**
         * What the open connection keeps besides the request ({@link RetainedHandshakeRequest#keep}): the
         * user, the principal and the path's variables, or null when there are none (as for most connections).
         */
        ConnectionExtras extras(Principal hostPrincipal) {
            Principal principal = interception.principal != null ? interception.principal : hostPrincipal;
            String userId = interception.userId != null ? interception.userId
                    : principal != null ? principal.getName() : null;
            Map<String, String> variables = match.variables();
            if (userId == null && principal == null && variables.isEmpty()) {
                return null;
            }
            return new ConnectionExtras(userId, principal,
                    variables.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(variables), null);
        }
    }

    sealed interface Verdict permits Refused, Accepted {
    }

    private final ServerRuntime server;
    private final ServerHandshake handshake;
    private final HttpRequest request;
    private final InetSocketAddress remote;
    private final boolean secure;
    /** The hosting web server's authenticated user, or null (always null on our own port). */
    private final Principal hostPrincipal;

    UpgradeDecision(ServerRuntime server, ServerHandshake handshake, HttpRequest request, InetSocketAddress remote,
            boolean secure, Principal hostPrincipal) {
        this.server = server;
        this.handshake = handshake;
        this.request = request;
        this.remote = remote;
        this.secure = secure;
        this.hostPrincipal = hostPrincipal;
    }

    /** Decides. Never completes exceptionally: every failure is a refusal. */
    CompletableFuture<Verdict> decide() {
        Router.Match match = server.router().match(request.path());
        if (match == null) {
            return refuse(404, "No WebSocket endpoint at this path.");
        }
        if (request.headers().getAll("Origin").size() > 1) {
            // RFC 6454 section 7.3: one Origin field (a browser never sends two); with two, the
            // allow-list would judge one of them while the peer claims the other
            return refuse(400, "More than one Origin header.");
        }
        String origin = request.origin();
        if (!server.originAllowed(origin, request.header("Host"))) {
            return refuse(403, "Origin not allowed.");
        }
        OriginCheck check = server.settings().originCheck();
        if (check == null) {
            return upgrade(match);
        }
        CompletableFuture<Boolean> decision;
        try {
            decision = check.check(origin, view(match)).toCompletableFuture();
        } catch (RuntimeException e) {
            return refuse(500, "Origin check failed.");
        }
        if (!decision.isDone()) {
            decision = decision.copy().orTimeout(server.settings().originCheckTimeout().toNanos(),
                    java.util.concurrent.TimeUnit.NANOSECONDS);
        }
        return decision.handle((ok, e) -> {
            if (e != null) {
                return unwrap(e) instanceof TimeoutException
                        ? refuse(408, "Origin check timed out.") : refuse(500, "Origin check failed.");
            }
            return Boolean.TRUE.equals(ok) ? upgrade(match) : refuse(403, "Origin not allowed.");
        }).thenCompose(verdict -> verdict);
    }

    /** The route and origin checks passed: capacity, the handshake, the interceptor. */
    private CompletableFuture<Verdict> upgrade(Router.Match match) {
        String capacity = server.capacityRefusal(remote);
        if (capacity != null) {
            return refuse(503, capacity);
        }
        ServerHandshake.Accepted accepted;
        try {
            accepted = handshake.accept(request, match.route().subprotocols(), secure);
        } catch (HandshakeException e) {
            server.handshakeRefused(e.status());
            return CompletableFuture.completedFuture(new Refused(e.toResponse(json())));
        }
        Interception interception = new Interception();
        AsyncHandshakeInterceptor interceptor = server.interceptor();
        if (interceptor == null) {
            return CompletableFuture.completedFuture(new Accepted(accepted, match, request, remote, interception));
        }
        CompletableFuture<Void> done;
        try {
            done = interceptor.beforeUpgrade(view(match), interception).toCompletableFuture();
        } catch (RuntimeException e) {
            return failed(accepted, "Handshake interceptor failed.");
        }
        if (!done.isDone()) {
            done = done.copy().orTimeout(server.settings().interceptorTimeout().toNanos(),
                    java.util.concurrent.TimeUnit.NANOSECONDS);
        }
        return done.handle((v, e) -> {
            if (e != null) {
                accepted.extensions().forEach(Extension::close);
                return unwrap(e) instanceof TimeoutException
                        ? refusal(408, "Handshake interceptor timed out.", new HttpHeaders())
                        : refusal(500, "Handshake interceptor failed.", new HttpHeaders());
            }
            return intercepted(accepted, match, interception);
        });
    }

    /** The interceptor is done: its refusal, or the 101 with its headers. */
    private Verdict intercepted(ServerHandshake.Accepted accepted, Router.Match match, Interception interception) {
        synchronized (interception) { // written on the interceptor's thread(s), read here
            if (interception.status != 0) {
                accepted.extensions().forEach(Extension::close);
                // the interceptor's headers go with its refusal (WWW-Authenticate, Retry-After)
                HttpHeaders extra = new HttpHeaders();
                try {
                    interception.headers.forEach((name, values) -> values.forEach(v -> extra.add(name, v)));
                } catch (RuntimeException e) {
                    return refusal(500, "Handshake interceptor failed.", new HttpHeaders());
                }
                return refusal(interception.status, interception.message, extra);
            }
            try {
                // Header names and values are checked here: one with a line break or a control
                // character refuses the upgrade instead of breaking the answer.
                interception.headers.forEach((name, values) -> values.forEach(v -> accepted.responseHeaders().add(name, v)));
            } catch (RuntimeException e) {
                accepted.extensions().forEach(Extension::close);
                return refusal(500, "Handshake interceptor failed.", new HttpHeaders());
            }
        }
        return new Accepted(accepted, match, request, remote, interception);
    }

    private CompletableFuture<Verdict> failed(ServerHandshake.Accepted accepted, String message) {
        accepted.extensions().forEach(Extension::close);
        return refuse(500, message);
    }

    private dev.seed.websocket.HandshakeRequest view(Router.Match match) {
        return DefaultHandshakeRequest.ofServerRequest(request, match.variables(), remote, hostPrincipal);
    }

    private CompletableFuture<Verdict> refuse(int status, String message) {
        return CompletableFuture.completedFuture(refusal(status, message, new HttpHeaders()));
    }

    private Verdict refusal(int status, String message, HttpHeaders extraHeaders) {
        server.handshakeRefused(status);
        return new Refused(HttpResponse.refusal(status, message, extraHeaders, json()));
    }

    private boolean json() {
        return server.refusalFormat() == RefusalFormat.JSON;
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /** What the interceptor decided. Its methods may be called from the interceptor's own threads. */
    static final class Interception implements HandshakeInterceptor.UpgradeResponse {
        int status;
        String message;
        final Map<String, List<String>> headers = new LinkedHashMap<>();
        final Map<String, Object> attributes = new LinkedHashMap<>();
        String userId;
        Principal principal;

        @Override
        public synchronized void reject(int status, String message) {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("A refusal status is 4xx or 5xx: " + status);
            }
            this.status = status;
            this.message = message == null ? "Refused." : message;
        }

        @Override
        public synchronized void header(String name, String value) {
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }

        @Override
        public synchronized void attribute(String name, Object value) {
            attributes.put(name, value);
        }

        @Override
        public synchronized void userId(String userId) {
            this.userId = userId;
        }

        @Override
        public synchronized void principal(Principal principal) {
            this.principal = principal;
        }
    }
}
