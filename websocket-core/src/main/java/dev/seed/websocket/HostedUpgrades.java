package dev.seed.websocket;

import dev.seed.websocket.protocol.handshake.HttpRequest;
import dev.seed.websocket.protocol.handshake.HttpResponse;
import dev.seed.websocket.transport.EventLoop;
import dev.seed.websocket.transport.Transport;
import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.concurrent.CompletableFuture;

/**
 * Upgrade requests that another web server received on its own port (a servlet container, through
 * the Servlet API's HTTP upgrade): they get exactly what our own port gives them, the routes,
 * Origin checks, limits, extensions, handshake interceptor and HTTP errors, and once upgraded the
 * same connections (timers, backpressure, close codes, metrics, shutdown). The hosting server
 * parses HTTP and owns the socket; this server decides and then drives the upgraded byte stream
 * through a {@link Transport} on one of its loops. Thread safe.
 */
public interface HostedUpgrades {

    /** Whether {@code path} is one of the server's routes (the hosting server passes other requests on). */
    boolean isRoute(String path);

    /**
     * Decides on one upgrade request. Completes at once unless an origin check or an asynchronous
     * interceptor takes its time (each bounded by its timeout); never completes exceptionally.
     *
     * @param request   the request line and header fields as received
     * @param remote    the peer's address
     * @param secure    whether the request came over TLS (wss)
     * @param principal the hosting server's authenticated user, or null
     */
    CompletableFuture<Answer> answer(HttpRequest request, InetSocketAddress remote, boolean secure, Principal principal);

    /** The answer to one request. An accepted answer must end in {@link #open} or {@link #abandon}. */
    interface Answer {

        /**
         * What to send: a 101 with the handshake's header fields (RFC 6455 section 4.2.2), or a
         * refusal with its status, header fields and body.
         */
        HttpResponse response();

        /** Whether the request is accepted (the response is a 101). */
        boolean accepted();

        /** Accepted: the loop the connection runs on; its transport must use this loop. */
        EventLoop loop();

        /** Accepted: opens the connection over the upgraded stream. On {@link #loop()}. Once. */
        void open(Transport transport);

        /** Accepted: the hosting server could not hand the stream over; releases what was held. */
        void abandon();
    }
}
