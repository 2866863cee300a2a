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
 * One TCP connection on an {@link EventLoop}, plain or TLS (through an {@link SSLEngine}, the TLS
 * work on the loop thread). It reads into the loop's shared buffer and hands plaintext to its
 * {@link Handler}; it queues outgoing buffers and writes them with gathering writes. This class
 * is not thread safe: everything runs on the loop thread.
 *
 * <p>Memory: an idle plain connection holds no buffer (the gathering-write array is the loop's). A TLS connection holds a buffer only for
 * a partial record read or an unfinished write, and gives it back when it empties.
 */
public final class SocketTransport implements EventLoop.IoHandler {

    /** Most buffers handed to one gathering write. */
    private static final int MAX_GATHER = 64;
    /** Reads per readiness event before giving other channels a turn. */
    private static final int MAX_READS_PER_EVENT = 4;

    /** Receives what the transport reads and its end. All calls on the loop thread. */
    public interface Handler {
        /** TCP (and, with TLS, the TLS handshake) is established. */
        void onConnected();

        /** Plaintext from the peer, valid during the call only; consume it all. */
        void onData(ByteBuffer data);

        /** The peer ended its side of the stream (FIN, or TLS close_notify). */
        void onEof();

        /** The transport is closed; {@code cause} is null for an orderly close. Called once. */
        void onClosed(Throwable cause);
    }

    private final EventLoop loop;
    private final SocketChannel channel;
    /** TLS engine, or null for a plain connection (set later by {@link #startTls} behind a proxy). */
    private SSLEngine tls;
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
    /** TLS: encrypted bytes read but not yet unwrapped (a partial record); null when none. */
    private ByteBuffer netIn;
    /** TLS: encrypted bytes wrapped but not yet written; null when none. */
    private ByteBuffer netOut;
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
    private boolean readsPaused;
    /** Whether a flush is scheduled for the end of the loop's turn. */
    private boolean flushScheduled;

    public SocketTransport(EventLoop loop, SocketChannel channel, SSLEngine tls) {
        this.loop = loop;
        this.channel = channel;
        this.tls = tls;
        remoteAddress();
    }

    /** The loop this transport lives on. */
    public EventLoop loop() {
        return loop;
    }

    /** The TLS engine, or null. */
    public SSLEngine tls() {
        return tls;
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
        } catch (IOException e) {
            close(e);
        }
    }

    private void established() throws IOException {
        if (tls == null) {
            connected = true;
            handler.onConnected();
            return;
        }
        tls.beginHandshake();
        driveHandshake();
    }

    /**
     * Starts TLS on an established plain connection (after an HTTP CONNECT tunnel is up);
     * {@link Handler#onConnected()} is called again once the TLS handshake is done.
     */
    public void startTls(SSLEngine engine) {
        this.tls = engine;
        this.connected = false;
        try {
            tls.beginHandshake();
            driveHandshake();
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
            for (int i = 0; i < MAX_READS_PER_EVENT && !closed && !eofSeen && !readsPaused; i++) {
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
                    unwrap(buf);
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

    private void peerEof() {
        eofSeen = true;
        if (tls != null) {
            try {
                tls.closeInbound();
            } catch (SSLException e) {
                // truncation attack warning: the peer did not send close_notify; EOF anyway
            }
        }
        updateInterest();
        handler.onEof();
        if (outputShut && !closed) {
            close(null);
        }
    }

    // ------------------------------------------------------------------ TLS

    private void unwrap(ByteBuffer fresh) {
        ByteBuffer src = fresh;
        if (netIn != null) {
            netIn = grow(netIn, fresh.remaining());
            netIn.put(fresh).flip();
            src = netIn;
        }
        try {
            while (!closed) {
                ByteBuffer plain = loop.plainBuffer(tls.getSession().getApplicationBufferSize());
                SSLEngineResult r = tls.unwrap(src, plain);
                plain.flip();
                if (plain.hasRemaining() && connected) {
                    handler.onData(plain);
                }
                SSLEngineResult.Status status = r.getStatus();
                if (status == SSLEngineResult.Status.CLOSED) {
                    peerEof();
                    break;
                }
                if (status == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                    break; // a partial record: wait for more bytes
                }
                HandshakeStatus hs = r.getHandshakeStatus();
                if (hs != HandshakeStatus.NOT_HANDSHAKING || !connected) {
                    driveHandshake();
                }
                boolean progress = r.bytesConsumed() > 0 || r.bytesProduced() > 0;
                if (!src.hasRemaining() || !progress && status == SSLEngineResult.Status.OK) {
                    break;
                }
            }
        } catch (SSLException e) {
            failTls(e);
            return;
        }
        // Keep a partial record for the next read; drop the buffer when nothing is left.
        if (closed || !src.hasRemaining()) {
            netIn = null;
        } else if (src != netIn) {
            netIn = ByteBuffer.allocate(Math.max(src.remaining(), tls.getSession().getPacketBufferSize()));
            netIn.put(src);
        } else {
            netIn.compact();
        }
    }

    /**
     * The TLS engine refused what the peer sent (a bad record, a protocol version we do not
     * speak, plain text on a TLS port). The engine has a fatal alert ready (RFC 8446 section 6.2,
     * RFC 5246 section 7.2.2): one attempt to send it, so that the peer learns why, then close.
     */
    private void failTls(SSLException e) {
        try {
            netOut = null;
            wrapInto(new ByteBuffer[0]);
            if (netOut != null && netOut.hasRemaining()) {
                channel.write(netOut);
            }
        } catch (IOException | RuntimeException ignored) {
            // the alert is a courtesy: closing anyway
        }
        close(e);
    }

    private static ByteBuffer grow(ByteBuffer partial, int more) {
        // partial is in write mode (after compact or put): position = bytes held
        if (partial.remaining() >= more) {
            return partial;
        }
        ByteBuffer bigger = ByteBuffer.allocate(partial.position() + more);
        partial.flip();
        bigger.put(partial);
        return bigger;
    }

    /** Runs the TLS handshake as far as it can go without more input. */
    private void driveHandshake() throws SSLException {
        while (!closed) {
            HandshakeStatus hs = tls.getHandshakeStatus();
            switch (hs) {
                case NEED_TASK -> {
                    Runnable task;
                    while ((task = tls.getDelegatedTask()) != null) {
                        task.run();
                    }
                }
                case NEED_WRAP -> {
                    wrapInto(new ByteBuffer[0]);
                    writeNetOut();
                    if (tls.isOutboundDone() && tls.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                        return;
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (hs == HandshakeStatus.NEED_UNWRAP_AGAIN) {
                        ByteBuffer plain = loop.plainBuffer(tls.getSession().getApplicationBufferSize());
                        tls.unwrap(ByteBuffer.allocate(0), plain);
                        continue;
                    }
                    return;
                }
                case FINISHED, NOT_HANDSHAKING -> {
                    if (!connected) {
                        connected = true;
                        handler.onConnected();
                        if (!closed) {
                            flush();
                        }
                    }
                    return;
                }
                default -> {
                    return;
                }
            }
        }
    }

    /** Wraps plaintext into {@link #netOut}; returns the bytes of plaintext consumed. */
    private long wrapInto(ByteBuffer[] plain) throws SSLException {
        long consumed = 0;
        while (true) {
            if (netOut == null) {
                netOut = ByteBuffer.allocate(tls.getSession().getPacketBufferSize());
            } else {
                netOut.compact();
            }
            SSLEngineResult r = tls.wrap(plain, netOut);
            netOut.flip();
            consumed += r.bytesConsumed();
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                ByteBuffer bigger = ByteBuffer.allocate(netOut.remaining() + tls.getSession().getPacketBufferSize());
                bigger.put(netOut).flip();
                netOut = bigger;
                continue;
            }
            return consumed;
        }
    }

    /** Writes {@link #netOut}; true when it is empty afterwards. */
    private boolean writeNetOut() {
        if (netOut == null) {
            return true;
        }
        try {
            while (netOut.hasRemaining()) {
                if (channel.write(netOut) == 0) {
                    updateInterest(true);
                    return false;
                }
            }
        } catch (IOException e) {
            close(e);
            return false;
        }
        netOut = null;
        return true;
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
        if (queueEmpty() && netOut == null) {
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
        if (inRead || closed || !connected) {
            return;
        }
        try {
            if (tls == null) {
                flushPlain();
            } else {
                flushTls();
            }
        } catch (IOException e) {
            close(e);
            return;
        }
        if (closed) {
            return;
        }
        boolean drained = queueEmpty() && netOut == null;
        if (drained) {
            queue = null; // an idle connection keeps no queue
        }
        if (drained && shutdownOutputRequested && !outputShut) {
            shutdownOutput();
        }
        updateInterest(!drained);
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
        if (!writeNetOut()) {
            return;
        }
        while (!queueEmpty()) {
            ByteBuffer[] batch = new ByteBuffer[Math.min(queue.size(), MAX_GATHER)];
            int n = 0;
            for (Object o : queue) {
                if (o instanceof ByteBuffer b) {
                    batch[n++] = b;
                    if (n == batch.length) {
                        break;
                    }
                }
            }
            if (n > 0) {
                long consumed = wrapInto(n == batch.length ? batch : java.util.Arrays.copyOf(batch, n));
                queuedBytes -= consumed;
            }
            popWritten();
            if (!writeNetOut()) {
                return;
            }
        }
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
                if (netOut != null && netOut.hasRemaining()) {
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

    private void shutdownOutput() {
        outputShut = true;
        try {
            if (tls != null) {
                tls.closeOutbound();
                wrapInto(new ByteBuffer[0]);
                writeNetOut();
            }
            channel.shutdownOutput();
        } catch (IOException e) {
            close(e);
            return;
        }
        if (eofSeen) {
            close(null);
        }
    }

    /** Stops or resumes reading (inbound backpressure). */
    public void pauseReads(boolean paused) {
        readsPaused = paused;
        updateInterest();
        if (!paused && !closed) {
            loop.execute(() -> {
                if (!closed && !readsPaused) {
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
        updateInterest(netOut != null || !queueEmpty());
    }

    private void updateInterest(boolean wantWrite) {
        if (key == null || !key.isValid()) {
            return;
        }
        int ops = 0;
        if (!eofSeen && !readsPaused) {
            ops |= SelectionKey.OP_READ;
        }
        if (wantWrite) {
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
        Throwable failure = cause != null ? cause : new ClosedChannelException();
        if (queue != null) {
            for (Object o : queue) {
                if (o instanceof CompletableFuture<?> f) {
                    f.completeExceptionally(failure);
                }
            }
            queue = null;
        }
        queuedBytes = 0;
        netIn = null;
        netOut = null;
        if (tls != null) {
            tls.closeOutbound();
        }
        if (handler != null) {
            handler.onClosed(cause);
        }
    }
}
