package dev.seed.websocket.transport;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * One TCP connection on an {@link EventLoop}, plain or TLS (records through a {@link TlsLayer}).
 * It reads into the loop's shared buffer and hands plaintext to its {@link Handler}; it queues
 * outgoing buffers and writes them with gathering writes (or wraps them). This class is not
 * thread safe: everything runs on the loop thread.
 *
 * <p>Memory: an idle plain connection holds no buffer (the gathering-write array is the loop's).
 * A TLS connection holds a buffer only for a partial record read or an unfinished write, and
 * gives it back when it empties.
 */
public final class SocketTransport implements Transport, EventLoop.IoHandler {

    /** Most buffers handed to one gathering write. */
    private static final int MAX_GATHER = 64;
    /** Reads per readiness event before giving other channels a turn. */
    private static final int MAX_READS_PER_EVENT = 4;


    private final EventLoop loop;
    private final SocketChannel channel;
    /** The TLS record layer, or null for a plain connection (set later by {@link #startTls} behind a proxy). */
    private TlsLayer tls;
    private Handler handler;
    private SelectionKey key;
    /** The peer's address once known (see {@link #remoteAddress()}). */
    private SocketAddress remoteAddress;

    /**
     * Outgoing plaintext buffers and, between them, futures completed once what precedes is
     * written; null until the first write, so a connection that never sent holds no queue.
     */
    private ArrayDeque<Object> queue;
    /** Bytes in the queue's buffers not yet written (or wrapped). Read from any thread. */
    private volatile long queuedBytes;
    /** Whether the TLS handshake finished (always true for plain connections once connected). */
    private boolean connected;
    /** Whether we are inside a read event: writes are flushed once at its end. */
    private boolean inRead;
    /** Whether output should be shut down once the queue drains. */
    private boolean shutdownOutputRequested;
    /** Whether our side of the stream is shut down. */
    private boolean outputShut;
    /** Whether the peer's EOF was seen. */
    private boolean eofSeen;
    /** Whether the transport is closed. */
    private boolean closed;
    /** Whether reads are paused (the handler cannot take more now). */
    /** Why reading is paused: a set of the PAUSED_BY_ bits; 0 while reading. */
    private byte readsPaused; // (a byte: every connection has one, and few bits are used)
    /** Whether a flush is scheduled for the end of the loop's turn. */
    private boolean flushScheduled;

    public SocketTransport(EventLoop loop, SocketChannel channel, SSLEngine tls) {
        this.loop = loop;
        this.channel = channel;
        this.tls = tls == null ? null : new TlsLayer(this, channel, loop, tls);
        remoteAddress();
    }

    /** The loop this transport lives on. */
    public EventLoop loop() {
        return loop;
    }

    /** The TLS engine, or null. */
    public SSLEngine tls() {
        return tls == null ? null : tls.engine();
    }

    @Override
    public javax.net.ssl.SSLSession tlsSession() {
        return tls == null ? null : tls.engine().getSession();
    }

    /** Whether the connection is over TLS. */
    public boolean secure() {
        return tls != null;
    }

    /**
     * Registers the channel. {@code connecting}: a client channel whose connect is pending.
     * Calls {@link Handler#onConnected()} once TCP and TLS are up.
     */
    public void start(Handler handler, boolean connecting) {
        this.handler = handler;
        try {
            key = loop.register(channel, connecting ? SelectionKey.OP_CONNECT : SelectionKey.OP_READ, this);
            if (!connecting) {
                established();
            }
        } catch (IOException | java.nio.channels.ClosedSelectorException e) {
            close(e); // the loop stopped before it could take the channel: released all the same
        }
    }

    private void established() throws IOException {
        if (tls == null) {
            connected = true;
            handler.onConnected();
            return;
        }
        tls.begin();
    }

    /**
     * Starts TLS on an established plain connection (after an HTTP CONNECT tunnel is up);
     * {@link Handler#onConnected()} is called again once the TLS handshake is done.
     */
    public void startTls(SSLEngine engine) {
        this.tls = new TlsLayer(this, channel, loop, engine);
        this.connected = false;
        try {
            tls.begin();
        } catch (IOException e) {
            close(e);
        }
    }

    /**
     * The peer's address; kept once known, so that it stays readable after the channel closes
     * (the server releases its per-address count by it). Null while a client connect has not
     * begun.
     */
    public SocketAddress remoteAddress() {
        if (remoteAddress == null) {
            try {
                remoteAddress = channel.getRemoteAddress();
            } catch (IOException e) {
                return null;
            }
        }
        return remoteAddress;
    }

    public SocketAddress localAddress() {
        try {
            return channel.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ events

    @Override
    public void onReady(SelectionKey key, int readyOps) throws IOException {
        if (closed) {
            return;
        }
        if ((readyOps & SelectionKey.OP_CONNECT) != 0) {
            try {
                if (!channel.finishConnect()) {
                    return;
                }
            } catch (IOException e) {
                close(e);
                return;
            }
            key.interestOps(SelectionKey.OP_READ);
            established();
        }
        if ((readyOps & SelectionKey.OP_WRITE) != 0 && !closed) {
            flush();
        }
        if ((readyOps & SelectionKey.OP_READ) != 0 && !closed) {
            read();
        }
    }

    @Override
    public void onError(Throwable error) {
        close(error);
    }

    private void read() {
        inRead = true;
        try {
            for (int i = 0; i < MAX_READS_PER_EVENT && !closed && !eofSeen && readsPaused == 0 && !tlsWaits(); i++) {
                ByteBuffer buf = loop.readBuffer();
                int n;
                try {
                    n = channel.read(buf);
                } catch (IOException e) {
                    close(e);
                    return;
                }
                if (n < 0) {
                    peerEof();
                    break;
                }
                if (n == 0) {
                    break;
                }
                buf.flip();
                if (tls == null) {
                    handler.onData(buf);
                } else {
                    tls.unwrap(buf);
                }
                if (n < buf.capacity()) {
                    break;
                }
            }
        } finally {
            inRead = false;
        }
        if (!closed) {
            flush();
        }
    }

    /** The peer's end of stream: FIN, or its TLS close_notify. */
    void peerEof() {
        eofSeen = true;
        if (tls != null) {
            tls.closeInbound();
        }
        updateInterest();
        handler.onEof();
        if (outputShut && !closed) {
            close(null);
        }
    }

    // ------------------------------------------------------------------ TLS layer callbacks

    /** Whether TLS delegated tasks are running: the connection neither reads nor writes meanwhile. */
    private boolean tlsWaits() {
        return tls != null && tls.tasksRunning();
    }

    /** Plaintext the TLS layer unwrapped. */
    void plaintext(ByteBuffer plain) {
        handler.onData(plain);
    }

    /** The TLS handshake is done: the connection is established. */
    void handshakeFinished() {
        if (!connected) {
            connected = true;
            handler.onConnected();
            if (!closed) {
                flush();
            }
        }
    }

    /** TLS records wait for the socket to take them. */
    void wantWrite() {
        updateInterest(true);
    }

    /** What the connection waits for changed (TLS tasks started or ended). */
    void interestChanged() {
        updateInterest();
    }

    /** Runs {@code work} (the rest of a TLS handshake after its tasks) as a read, then flushes. */
    void resumeAfterTasks(Runnable work) {
        inRead = true;
        try {
            work.run();
        } finally {
            inRead = false;
        }
        if (!closed) {
            flush();
        }
    }

    // ------------------------------------------------------------------ writing

    /** Queues plaintext for the peer; the transport owns {@code data} now. Loop thread only. */
    public void write(ByteBuffer data) {
        if (closed || outputShut || shutdownOutputRequested) {
            return;
        }
        queue().add(data);
        queuedBytes += data.remaining();
    }

    /**
     * Queues a future completed once everything queued before it is handed to the socket, or
     * failed when the transport closes first.
     */
    public void completeAfterQueued(CompletableFuture<Void> done) {
        if (closed) {
            done.completeExceptionally(new ClosedChannelException());
            return;
        }
        if (queueEmpty() && (tls == null || !tls.recordsPending())) {
            done.complete(null);
            return;
        }
        queue().add(done);
    }

    private ArrayDeque<Object> queue() {
        if (queue == null) {
            queue = new ArrayDeque<>(8);
        }
        return queue;
    }

    private boolean queueEmpty() {
        return queue == null || queue.isEmpty();
    }

    /** Bytes queued and not yet written. Any thread. */
    public long queuedBytes() {
        return queuedBytes;
    }

    /** Buffers and completion markers waiting in the write queue. Loop thread only. */
    public int queueLength() {
        return queue == null ? 0 : queue.size();
    }

    /**
     * Flushes at the end of the loop's current turn, so that many sends made by tasks in one turn
     * share one gathering write. Loop thread only.
     */
    public void flushSoon() {
        if (inRead || flushScheduled || closed) {
            return;
        }
        flushScheduled = true;
        loop.flushAfterTurn(this);
    }

    /** The flush {@link #flushSoon} asked for, run by the loop at the end of its turn. */
    void scheduledFlush() {
        flushScheduled = false;
        flush();
    }

    /** Replaces the handler (the opening handshake hands over to the WebSocket connection). */
    public void handler(Handler handler) {
        this.handler = handler;
    }

    /** Writes what is queued; keeps OP_WRITE interest while the socket is full. */
    public void flush() {
        if (inRead || closed) {
            return;
        }
        if (!connected) {
            // TLS handshake records the socket did not take at once go out now (OP_WRITE brought
            // us here); application data waits for the handshake.
            if (tls != null && !tls.tasksRunning()) {
                tls.writeRecords();
                if (!closed) {
                    updateInterest(tls.recordsPending());
                }
            }
            return;
        }
        try {
            if (tls == null) {
                flushPlain();
            } else {
                flushTls();
            }
        } catch (IOException | RuntimeException e) {
            close(e); // a TLS engine that throws must not leave this connection holding the loop's buffer
            return;
        }
        if (closed) {
            return;
        }
        boolean drained = queueEmpty() && (tls == null || !tls.recordsPending());
        if (drained) {
            queue = null; // an idle connection keeps no queue
        }
        if (drained && shutdownOutputRequested && !outputShut) {
            shutdownOutput();
        }
        if (closed) {
            return;
        }
        // close_notify that the socket did not take at once (shutdownOutput) waits for OP_WRITE too
        updateInterest(!drained || tls != null && tls.recordsPending());
    }

    private void flushPlain() throws IOException {
        // The loop's scratch array: filled and cleared within this call, so one per loop will do.
        ByteBuffer[] gather = loop.gatherArray(MAX_GATHER);
        while (!queueEmpty()) {
            int n = 0;
            for (Object o : queue) {
                if (o instanceof ByteBuffer b) {
                    gather[n++] = b;
                    if (n == MAX_GATHER) {
                        break;
                    }
                }
            }
            long written = n == 0 ? 0 : channel.write(gather, 0, n);
            java.util.Arrays.fill(gather, 0, n, null);
            queuedBytes -= written;
            popWritten();
            if (n > 0 && written == 0) {
                return;
            }
            if (!queueEmpty() && queue.peek() instanceof ByteBuffer b && b.hasRemaining()) {
                return; // socket buffer full: wait for OP_WRITE
            }
        }
    }

    private void flushTls() throws IOException {
        if (tls.tasksRunning() || !tls.writeRecords()) {
            return;
        }
        // The loop's scratch array: filled and cleared within this call.
        ByteBuffer[] gather = loop.gatherArray(MAX_GATHER);
        while (!queueEmpty() && !closed) {
            int n = 0;
            for (Object o : queue) {
                // A buffer wrapped to its end whose records went out after a future before it
                // (popWritten stops there while records are pending) is no plaintext: wrapping
                // it alone takes and makes nothing, which is not a stalled engine.
                if (o instanceof ByteBuffer b && b.hasRemaining()) {
                    gather[n++] = b;
                    if (n == MAX_GATHER) {
                        break;
                    }
                }
            }
            if (n > 0) {
                SSLEngineResult r;
                try {
                    r = tls.wrap(gather, n);
                } finally {
                    java.util.Arrays.fill(gather, 0, n, null);
                }
                queuedBytes -= r.bytesConsumed();
                if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                    wrapStalled(r);
                    return;
                }
            }
            // Written (or copied out of the scratch buffer) before any future completes: code run
            // by a completion may flush another connection of this loop.
            boolean written = tls.writeRecords();
            popWritten();
            if (!written) {
                return;
            }
        }
    }

    /**
     * The engine took no plaintext and produced nothing. Either it is handshaking (a TLS 1.2
     * renegotiation, delegated tasks): output resumes when the handshake does; or its outbound
     * side is closed (our close_notify went out, or a TLS 1.2 peer's close_notify closed both
     * directions, RFC 5246 section 7.2.1): what is queued can never be sent.
     */
    private void wrapStalled(SSLEngineResult r) throws SSLException {
        if (r.getStatus() == SSLEngineResult.Status.CLOSED || tls.engine().isOutboundDone()) {
            SSLException gone = new SSLException("TLS session closed before queued data was sent");
            failQueued(gone);
            if (!eofSeen) {
                shutdownOutputRequested = true; // flush() half-closes (then closes: the peer is done too)
            }
            // else the peer's close_notify closed it: the handler was told (onEof) and ends our side
            // once it has taken what arrived before the alert; a handler that paused reading holds
            // messages (and maybe the peer's Close) that closing now would drop.
            return;
        }
        if (r.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING) {
            tls.driveHandshake();
        }
    }

    /**
     * Drops every queued buffer and fails every queued future with {@code cause}, or with a
     * ClosedChannelException made only if there is a future.
     */
    private void failQueued(Throwable cause) {
        if (queue != null) {
            Throwable failure = cause;
            for (Object o : queue) {
                if (o instanceof CompletableFuture<?> f) {
                    if (failure == null) {
                        failure = new ClosedChannelException();
                    }
                    f.completeExceptionally(failure);
                }
            }
            queue = null;
        }
        queuedBytes = 0;
    }

    private void popWritten() {
        while (!queueEmpty()) {
            Object head = queue.peek();
            if (head instanceof ByteBuffer b) {
                if (b.hasRemaining()) {
                    return;
                }
                queue.poll();
            } else {
                if (tls != null && tls.recordsPending()) {
                    return;
                }
                queue.poll();
                @SuppressWarnings("unchecked")
                CompletableFuture<Void> f = (CompletableFuture<Void>) head;
                f.complete(null);
            }
        }
    }

    /** Half-closes once everything queued is written (TLS: after close_notify). */
    public void shutdownOutputAfterFlush() {
        if (closed || outputShut) {
            return;
        }
        shutdownOutputRequested = true;
        flush();
    }

    /**
     * Half-closes: with TLS, close_notify first (RFC 8446 section 6.1), and the FIN only once it is
     * all written, so that the FIN cannot cut it off. Called again by {@link #flush} until then.
     */
    private void shutdownOutput() {
        try {
            if (tls != null && !tls.closeOutbound()) {
                return; // the rest of close_notify goes out first (flush calls again)
            }
            outputShut = true;
            channel.shutdownOutput();
        } catch (IOException e) {
            close(e);
            return;
        }
        if (eofSeen) {
            close(null);
        }
    }

    /**
     * Stops or resumes reading (inbound backpressure) for one reason, a PAUSED_BY_ bit: reading
     * resumes once no reason is left.
     */
    public void pauseReads(int reason, boolean paused) {
        int before = readsPaused;
        readsPaused = (byte) (paused ? before | reason : before & ~reason);
        updateInterest();
        if (before != 0 && readsPaused == 0 && !closed) {
            loop.execute(() -> {
                if (!closed && readsPaused == 0) {
                    try {
                        onReady(key, SelectionKey.OP_READ);
                    } catch (IOException e) {
                        close(e);
                    }
                }
            });
        }
    }

    private void updateInterest() {
        updateInterest(!queueEmpty() || tls != null && tls.recordsPending());
    }

    private void updateInterest(boolean wantWrite) {
        if (key == null || !key.isValid()) {
            return;
        }
        int ops = 0;
        if (!eofSeen && readsPaused == 0 && !tlsWaits()) {
            ops |= SelectionKey.OP_READ;
        }
        if (wantWrite && !tlsWaits()) { // while TLS tasks run nothing can be written: no wake-ups for it
            ops |= SelectionKey.OP_WRITE;
        }
        if (key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    /** Whether the transport is closed. */
    public boolean isClosed() {
        return closed;
    }

    /** Closes now: pending writes are dropped and their futures failed. Idempotent. */
    public void close(Throwable cause) {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        failQueued(cause);
        if (tls != null) {
            tls.release();
        }
        if (handler != null) {
            handler.onClosed(cause);
        }
    }
}
