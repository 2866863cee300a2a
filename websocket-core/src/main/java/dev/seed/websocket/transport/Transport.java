package dev.seed.websocket.transport;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLSession;

/**
 * A byte stream to one peer, driven by an {@link EventLoop}: what a WebSocket connection needs of
 * whatever carries it. {@link SocketTransport} is ours (a socket channel on the loop's selector);
 * a servlet container's upgraded connection is another. Every method but {@link #queuedBytes()}
 * runs on {@link #loop()}'s thread, and every {@link Handler} call arrives on it.
 */
public interface Transport {

    /** {@link #pauseReads}: the connection stopped delivering (inbound flow control, a slow handler). */
    int PAUSED_BY_APPLICATION = 1;

    /** Receives what the transport reads and its end. All calls on the loop thread. */
    interface Handler {
        /** The stream is established (with TLS: the TLS handshake is done too). */
        void onConnected();

        /** Plaintext from the peer, valid during the call only; consume it all. */
        void onData(ByteBuffer data);

        /** The peer ended its side of the stream (FIN, or TLS close_notify). */
        void onEof();

        /** The transport is closed; {@code cause} is null for an orderly close. Called once. */
        void onClosed(Throwable cause);
    }

    /** The loop this transport lives on. */
    EventLoop loop();

    /** Replaces the handler (the opening handshake hands over to the WebSocket connection). */
    void handler(Handler handler);

    /** Queues plaintext for the peer; the transport owns {@code data} now. */
    void write(ByteBuffer data);

    /**
     * Queues a future completed once everything queued before it is handed to the peer's stream,
     * or failed when the transport closes first.
     */
    void completeAfterQueued(CompletableFuture<Void> done);

    /** Bytes queued and not yet written. Any thread. */
    long queuedBytes();

    /** Buffers and completion markers waiting in the write queue. */
    int queueLength();

    /** Writes what is queued at the end of the loop's current turn (sends of one turn share a write). */
    void flushSoon();

    /** Ends our direction once everything queued is written (a half-close where the stream has one). */
    void shutdownOutputAfterFlush();

    /**
     * Ends our direction once everything queued is written and goes on reading what the peer
     * still sends until it ends: a failed connection's peer may still be writing, and closing
     * both directions then could reset the connection before the peer reads our Close. A
     * half-close does exactly this; a stream without one (a servlet container's) stops writing
     * and keeps reading. The connection's close timer bounds the wait.
     */
    default void lingerAfterFlush() {
        shutdownOutputAfterFlush();
    }

    /**
     * Stops or resumes reading (inbound backpressure) for one reason, a PAUSED_BY_ bit: reading
     * resumes once no reason is left.
     */
    void pauseReads(int reason, boolean paused);

    /** Whether the transport is closed. */
    boolean isClosed();

    /** Closes now: pending writes are dropped and their futures failed. Idempotent. */
    void close(Throwable cause);

    /** The peer's address, readable after the close too; null when unknown. */
    SocketAddress remoteAddress();

    /** Our address; null when unknown. */
    SocketAddress localAddress();

    /** Whether the stream is encrypted (TLS here or in front of us). */
    boolean secure();

    /** The TLS session when this transport runs TLS itself and its handshake is done, else null. */
    SSLSession tlsSession();
}
