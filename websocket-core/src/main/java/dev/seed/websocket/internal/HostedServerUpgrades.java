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

    /**
     * Accepted answers, oldest first, until {@link #sweep} finds them opened or past their
     * deadline. The hosting server may never hand a stream over (the peer left before the 101
     * was written: Jetty then never swaps the connection in, Tomcat never calls init): what such
     * an answer holds (its place in the connection limits, the extensions' state) is released at
     * its deadline. One sweep a second on one loop, instead of a timer (and a loop wake-up) for
     * each upgrade.
     */
    private final java.util.concurrent.ConcurrentLinkedQueue<Acceptance> pending =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** Abandons the answers past their deadline; then again in a second, while the server runs. Loop. */
    void sweep(EventLoop loop) {
        long now = System.nanoTime();
        Acceptance a;
        while ((a = pending.peek()) != null && (a.settled.get() || now - a.deadline >= 0)) {
            pending.poll();
            a.abandon();
        }
        if (server.isRunning()) {
            loop.schedule(() -> sweep(loop), SWEEP_EVERY_NANOS);
        } else {
            while ((a = pending.poll()) != null) {
                a.abandon();
            }
        }
    }

    private static final long SWEEP_EVERY_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

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
            Acceptance acceptance = new Acceptance(accepted, loop, principal,
                    System.nanoTime() + server.config().handshakeTimeout().toNanos());
            pending.add(acceptance);
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
        /** When it is abandoned unless opened (System.nanoTime). */
        private final long deadline;

        Acceptance(UpgradeDecision.Accepted accepted, EventLoop loop, Principal principal, long deadline) {
            this.accepted = accepted;
            this.loop = loop;
            this.principal = principal;
            this.deadline = deadline;
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
