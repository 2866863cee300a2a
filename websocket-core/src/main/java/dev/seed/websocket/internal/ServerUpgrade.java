package dev.seed.websocket.internal;

import dev.seed.websocket.protocol.handshake.HandshakeException;
import dev.seed.websocket.protocol.handshake.HttpHeaders;
import dev.seed.websocket.protocol.handshake.HttpRequest;
import dev.seed.websocket.protocol.handshake.HttpRequestParser;
import dev.seed.websocket.protocol.handshake.HttpResponse;
import dev.seed.websocket.transport.EventLoop;
import dev.seed.websocket.transport.SocketTransport;
import dev.seed.websocket.transport.Transport;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * The server side of one TCP connection until its opening handshake is answered (RFC 6455
 * section 4.2): reads the request incrementally within the header bound and the handshake
 * timeout, routes it, checks origin, capacity and the interceptor, then either answers with an
 * HTTP error and closes, or answers 101 and hands the transport to a {@link WsConnection}.
 * Loop thread only.
 */
final class ServerUpgrade implements Transport.Handler {

    private final ServerRuntime server;
    private final SocketTransport transport;
    private final EventLoop loop;
    private final HttpRequestParser parser;
    private EventLoop.Timer timer;
    /** Whether the request was answered (refused or upgraded): later bytes are not ours. */
    private boolean answered;
    /** Whether the transport now belongs to a WebSocket connection. */
    private boolean upgraded;

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
        // From here the decision bounds itself: its asynchronous steps have their own timeouts.
        timer.cancel();
        CompletableFuture<UpgradeDecision.Verdict> verdict = new UpgradeDecision(server, server.handshake(), request,
                (InetSocketAddress) transport.remoteAddress(), transport.secure(), null).decide();
        if (verdict.isDone()) {
            decided(verdict.join(), rest);
            return;
        }
        // Decided later, on another thread: the rest of the read is the loop's buffer, keep a copy.
        ByteBuffer kept = LentBuffers.copy(rest);
        verdict.thenAccept(v -> {
            try {
                loop.execute(() -> decided(v, kept));
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                if (v instanceof UpgradeDecision.Accepted a) {
                    a.abandon(); // the server stopped meanwhile: the socket goes with it
                }
            }
        });
    }

    /** The verdict, on the loop: the refusal, or the 101 and the connection. */
    private void decided(UpgradeDecision.Verdict verdict, ByteBuffer rest) {
        if (verdict instanceof UpgradeDecision.Refused r) {
            refuse(r.response(), r.response().status());
            return;
        }
        UpgradeDecision.Accepted accepted = (UpgradeDecision.Accepted) verdict;
        if (transport.isClosed()) {
            accepted.abandon();
            return;
        }
        transport.write(accepted.handshake().responseBytes());
        upgraded = true;
        server.open(accepted, transport, rest, null);
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
}
