package dev.seed.websocket.internal;

import dev.seed.websocket.HostedUpgrades;
import dev.seed.websocket.protocol.handshake.HttpRequest;
import dev.seed.websocket.protocol.handshake.HttpResponse;
import dev.seed.websocket.protocol.handshake.ServerHandshake;
import dev.seed.websocket.protocol.handshake.WebSocketVersion;
import dev.seed.websocket.transport.EventLoop;
import dev.seed.websocket.transport.Transport;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.Principal;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link HostedUpgrades} of a server that does not listen itself. Requests are counted against
 * the connection limits from {@link #answer} until a refusal, an abandoned upgrade or the end of
 * the connection, as our own port counts sockets.
 */
final class HostedServerUpgrades implements HostedUpgrades {

    private final ServerRuntime server;
    /**
     * The handshake for hosted requests: RFC 6455 versions only. Hixie-76's challenge is eight
     * bytes after the head that the hosting server reads as a body (or not at all).
     */
    private final ServerHandshake handshake;

    HostedServerUpgrades(ServerRuntime server) {
        this.server = server;
        Set<WebSocketVersion> versions = EnumSet.copyOf(server.handshake().versions());
        versions.remove(WebSocketVersion.HIXIE_76);
        this.handshake = versions.isEmpty() ? server.handshake() : server.handshake().toBuilder().versions(versions).build();
    }

    @Override
    public boolean isRoute(String path) {
        return server.router().match(path) != null;
    }

    @Override
    public CompletableFuture<Answer> answer(HttpRequest request, InetSocketAddress remote, boolean secure,
            Principal principal) {
        server.hostedRequestArrived(remote);
        CompletableFuture<UpgradeDecision.Verdict> verdict;
        try {
            verdict = new UpgradeDecision(server, handshake, request, remote, secure, principal).decide();
        } catch (RuntimeException e) {
            server.hostedRequestEnded(remote);
            throw e;
        }
        return verdict.thenApply(v -> {
            if (v instanceof UpgradeDecision.Refused r) {
                server.hostedRequestEnded(remote);
                return new Refusal(r.response());
            }
            UpgradeDecision.Accepted accepted = (UpgradeDecision.Accepted) v;
            EventLoop loop = server.isRunning() ? server.nextLoopOrNull() : null;
            if (loop == null) { // the server stopped while an origin check or interceptor decided
                accepted.abandon();
                server.hostedRequestEnded(remote);
                return new Refusal(HttpResponse.refusal(503, "Server is shutting down."));
            }
            Acceptance acceptance = new Acceptance(accepted, loop, principal);
            acceptance.expireUnlessOpened(server.config().handshakeTimeout());
            return acceptance;
        });
    }

    private record Refusal(HttpResponse response) implements Answer {
        @Override
        public boolean accepted() {
            return false;
        }

        @Override
        public EventLoop loop() {
            throw new IllegalStateException("refused");
        }

        @Override
        public void open(Transport transport) {
            throw new IllegalStateException("refused");
        }

        @Override
        public void abandon() {
            // nothing held
        }
    }

    private final class Acceptance implements Answer {
        private final UpgradeDecision.Accepted accepted;
        private final EventLoop loop;
        private final Principal principal;
        private final AtomicBoolean settled = new AtomicBoolean();

        Acceptance(UpgradeDecision.Accepted accepted, EventLoop loop, Principal principal) {
            this.accepted = accepted;
            this.loop = loop;
            this.principal = principal;
        }

        @Override
        public HttpResponse response() {
            return accepted.handshake().response();
        }

        @Override
        public boolean accepted() {
            return true;
        }

        @Override
        public EventLoop loop() {
            return loop;
        }

        /**
         * The hosting server may never hand the stream over (the peer left before the 101 was
         * written: Jetty then never swaps the connection in, Tomcat never calls init): what the
         * answer holds (its place in the connection limits, the extensions' state) is released
         * after {@code within} unless it was opened by then.
         */
        void expireUnlessOpened(java.time.Duration within) {
            try {
                loop.scheduleFromAnyThread(this::abandon, within.toNanos());
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                abandon();
            }
        }

        @Override
        public void open(Transport transport) {
            if (!loop.inLoop()) {
                throw new IllegalStateException("open runs on the answer's loop");
            }
            if (!settled.compareAndSet(false, true)) {
                transport.close(null); // abandoned meanwhile (expired): the stream goes too
                return;
            }
            if (!server.isRunning() || transport.isClosed()) {
                accepted.abandon();
                server.hostedRequestEnded(accepted.remote());
                transport.close(null);
                return;
            }
            server.open(accepted, transport, ByteBuffer.allocate(0), principal);
        }

        @Override
        public void abandon() {
            if (settled.compareAndSet(false, true)) {
                accepted.abandon();
                server.hostedRequestEnded(accepted.remote());
            }
        }
    }
}
