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
    private static final ByteBuffer[] NO_BUFFERS = new ByteBuffer[0];
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

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
    /**
     * TLS: encrypted bytes wrapped but not yet written; null when none. Between calls it is never
     * the loop's scratch buffer: what the socket did not take is copied out (see writeNetOut).
     */
    private ByteBuffer netOut;
    /** TLS: whether {@link #netOut} is the loop's scratch buffer (only within one call). */
    private boolean netOutShared;
    /** TLS: whether the engine's delegated tasks are running off the loop; I/O waits for them. */
    private boolean tlsTasksRunning;
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
            for (int i = 0; i < MAX_READS_PER_EVENT && !closed && !eofSeen && !readsPaused && !tlsTasksRunning; i++) {
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
    //
    // The SSLEngine states this transport meets, and what it does in each (javax.net.ssl.SSLEngine):
    // - NEED_TASK: the delegated tasks run on TlsTasks' pool; meanwhile this connection neither
    //   reads, unwraps nor wraps, and the loop serves its other connections.
    // - NEED_WRAP / NEED_UNWRAP: handshake records go out / wait for more input.
    // - unwrap CLOSED: the peer's close_notify. With TLS 1.2 the engine closes its outbound side
    //   as well (RFC 5246 section 7.2.1: the reply close_notify is the last record); with TLS 1.3
    //   it does not (RFC 8446 section 6.1: each side closes its own direction).
    // - wrap CLOSED: nothing more can be sent; queued plaintext fails its futures and the
    //   connection ends once the last records are written.
    // - no progress at all (nothing consumed, nothing produced): wait for input, never loop.

    /** Unwraps {@code fresh} after any partial record kept from before, handing plaintext on. */
    private void unwrap(ByteBuffer fresh) {
        ByteBuffer src = fresh;
        if (netIn != null) {
            netIn = grow(netIn, fresh.remaining());
            netIn.put(fresh).flip();
            src = netIn;
        }
        try {
            boolean stalled = false;
            while (!closed && !tlsTasksRunning && src.hasRemaining()) {
                ByteBuffer plain = loop.plainBuffer(tls.getSession().getApplicationBufferSize());
                SSLEngineResult r = tls.unwrap(src, plain);
                plain.flip();
                if (plain.hasRemaining() && connected) {
                    handler.onData(plain);
                }
                SSLEngineResult.Status status = r.getStatus();
                if (status == SSLEngineResult.Status.CLOSED) {
                    peerEof(); // close_notify
                    break;
                }
                if (status == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                    break; // a partial record: wait for more bytes
                }
                if (status == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    throw new SSLException("TLS record larger than the session's application buffer");
                }
                if (r.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING || !connected) {
                    driveHandshake();
                }
                // Nothing consumed nor produced: the engine waited for the handshake step just
                // driven. One more try; a second stall means it waits for input.
                boolean progress = r.bytesConsumed() > 0 || r.bytesProduced() > 0;
                if (!progress && stalled) {
                    break;
                }
                stalled = !progress;
            }
        } catch (SSLException e) {
            failTls(e);
            return;
        }
        // Keep a partial record (or what waits for delegated tasks); drop the buffer when empty.
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
            wrapInto(NO_BUFFERS, 0);
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

    /** Runs the TLS handshake as far as it can go without more input (or until tasks run). */
    private void driveHandshake() throws SSLException {
        while (!closed && !tlsTasksRunning) {
            HandshakeStatus hs = tls.getHandshakeStatus();
            switch (hs) {
                case NEED_TASK -> {
                    runDelegatedTasks();
                    return;
                }
                case NEED_WRAP -> {
                    SSLEngineResult r = wrapInto(NO_BUFFERS, 0);
                    writeNetOut();
                    if (r.bytesProduced() == 0 && tls.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                        return; // the engine cannot wrap (outbound closed): do not spin
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (hs == HandshakeStatus.NEED_UNWRAP_AGAIN) {
                        ByteBuffer plain = loop.plainBuffer(tls.getSession().getApplicationBufferSize());
                        SSLEngineResult r = tls.unwrap(EMPTY, plain);
                        if (r.bytesProduced() == 0 && tls.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP_AGAIN) {
                            return;
                        }
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

    /**
     * Hands the engine's delegated tasks to {@link TlsTasks}; this connection pauses (no reads,
     * unwraps or wraps) until they are done, then resumes on the loop.
     */
    private void runDelegatedTasks() {
        java.util.List<Runnable> batch = new java.util.ArrayList<>(2);
        Runnable task;
        while ((task = tls.getDelegatedTask()) != null) {
            batch.add(task);
        }
        if (batch.isEmpty()) {
            return;
        }
        tlsTasksRunning = true;
        updateInterest();
        try {
            TlsTasks.executor().execute(() -> {
                try {
                    for (Runnable t : batch) {
                        t.run(); // a failure surfaces from the engine's next wrap or unwrap
                    }
                } finally {
                    try {
                        loop.execute(this::delegatedTasksDone);
                    } catch (java.util.concurrent.RejectedExecutionException stopped) {
                        // the loop stopped and closed this connection
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            tlsTasksRunning = false;
            close(e);
        }
    }

    /** The delegated tasks are done: go on with the handshake and with what was read meanwhile. */
    private void delegatedTasksDone() {
        tlsTasksRunning = false;
        if (closed) {
            return;
        }
        updateInterest();
        inRead = true;
        try {
            driveHandshake();
            if (!closed && netIn != null) {
                unwrap(EMPTY);
            }
        } catch (SSLException e) {
            failTls(e);
            return;
        } finally {
            inRead = false;
        }
        if (!closed) {
            flush();
        }
    }

    /**
     * Wraps the first {@code count} buffers of {@code plain} into {@link #netOut}, several records
     * while they fit: into the loop's scratch buffer when nothing is pending (see
     * {@link #writeNetOut}). Returns the last result, with the plaintext consumed in all.
     */
    private SSLEngineResult wrapInto(ByteBuffer[] plain, int count) throws SSLException {
        int packet = tls.getSession().getPacketBufferSize();
        long consumed = 0;
        long produced = 0;
        while (true) {
            if (netOut == null) {
                netOut = loop.netOutBuffer(packet);
                netOutShared = true;
            } else {
                netOut.compact();
            }
            SSLEngineResult r = tls.wrap(plain, 0, count, netOut);
            netOut.flip();
            consumed += r.bytesConsumed();
            produced += r.bytesProduced();
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                ByteBuffer bigger = ByteBuffer.allocate(netOut.remaining() + packet);
                bigger.put(netOut).flip();
                netOut = bigger;
                netOutShared = false;
                continue;
            }
            boolean more = r.getStatus() == SSLEngineResult.Status.OK && r.bytesConsumed() > 0
                    && r.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
                    && hasRemaining(plain, count) && netOut.capacity() - netOut.limit() >= packet;
            if (!more) {
                return new SSLEngineResult(r.getStatus(), r.getHandshakeStatus(), (int) consumed, (int) produced);
            }
        }
    }

    private static boolean hasRemaining(ByteBuffer[] buffers, int count) {
        for (int i = 0; i < count; i++) {
            if (buffers[i].hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes {@link #netOut}; true when it is empty afterwards. What the socket does not take now
     * is copied out of the loop's scratch buffer into one of this connection's own.
     */
    private boolean writeNetOut() {
        if (netOut == null) {
            return true;
        }
        try {
            while (netOut.hasRemaining()) {
                if (channel.write(netOut) == 0) {
                    if (netOutShared) {
                        ByteBuffer own = ByteBuffer.allocate(netOut.remaining());
                        own.put(netOut).flip();
                        netOut = own;
                        netOutShared = false;
                    }
                    updateInterest(true);
                    return false;
                }
            }
        } catch (IOException e) {
            close(e);
            return false;
        }
        netOut = null;
        netOutShared = false;
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
        if (tlsTasksRunning || !writeNetOut()) {
            return;
        }
        // The loop's scratch array: filled and cleared within this call.
        ByteBuffer[] gather = loop.gatherArray(MAX_GATHER);
        while (!queueEmpty() && !closed) {
            int n = 0;
            for (Object o : queue) {
                if (o instanceof ByteBuffer b) {
                    gather[n++] = b;
                    if (n == MAX_GATHER) {
                        break;
                    }
                }
            }
            if (n > 0) {
                SSLEngineResult r;
                try {
                    r = wrapInto(gather, n);
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
            boolean written = writeNetOut();
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
        if (r.getStatus() == SSLEngineResult.Status.CLOSED || tls.isOutboundDone()) {
            SSLException gone = new SSLException("TLS session closed before queued data was sent");
            failQueued(gone);
            shutdownOutputRequested = true; // flush() half-closes (then closes: the peer is done too)
            return;
        }
        if (r.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING) {
            driveHandshake();
        }
    }

    /** Drops every queued buffer and fails every queued future with {@code failure}. */
    private void failQueued(Throwable failure) {
        if (queue != null) {
            for (Object o : queue) {
                if (o instanceof CompletableFuture<?> f) {
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

    /**
     * Half-closes: with TLS, close_notify first (RFC 8446 section 6.1), and the FIN only once it is
     * all written, so that the FIN cannot cut it off. Called again by {@link #flush} until then.
     */
    private void shutdownOutput() {
        try {
            if (tls != null) {
                if (tlsTasksRunning) {
                    return; // flushed again when the tasks are done
                }
                tls.closeOutbound();
                wrapInto(NO_BUFFERS, 0);
                if (!writeNetOut()) {
                    return;
                }
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
        if (!eofSeen && !readsPaused && !tlsTasksRunning) {
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
        failQueued(cause != null ? cause : new ClosedChannelException());
        netIn = null;
        netOut = null;
        netOutShared = false;
        if (tls != null) {
            tls.closeOutbound();
        }
        if (handler != null) {
            handler.onClosed(cause);
        }
    }
}
