package dev.seed.websocket.servlet;

import dev.seed.websocket.transport.EventLoop;
import dev.seed.websocket.transport.Transport;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLSession;

/**
 * What the transports on a servlet container's upgraded connection share ({@link TomcatTransport},
 * {@link JettyTransport}, {@link ServletTransport}): the write queue, the {@link ReadGate}, the
 * hand-over of each read from the container's thread to the loop, the end of input, and the
 * close. The container's side is the subclass's: how the reader stopped by the gate starts again
 * ({@link #resumeReader}), how what is queued is written and the output ended ({@link #flush}),
 * and how the container's connection is closed ({@link #closeConnection}, from the loop, or from
 * a container thread when the loop has stopped).
 *
 * <p>Threads: the container's reading thread hands each read to the loop ({@link #handOver}) and
 * any other work too ({@link #onLoop}); everything else runs on the loop.
 */
abstract class HostedTransport implements Transport {

    /** What one read may take: each read is copied out of a reading thread's buffer. */
    static final int READ_SIZE = 16 * 1024;
    /** A reading thread's buffer, for the readers that read into a {@link ByteBuffer}. */
    static final ThreadLocal<ByteBuffer> READ_BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocate(READ_SIZE));
    /** Most buffers in one gathering write. */
    static final int MAX_GATHER = 64;

    private final EventLoop loop;
    private final SocketAddress remote;
    private final SocketAddress local;
    private final boolean secure;
    private Handler handler;

    /** Outgoing buffers and, between them, futures completed once what precedes is handed over. */
    final OutgoingQueue queue = new OutgoingQueue();
    /** When the reading thread stops and who starts it again. */
    final ReadGate gate;
    private boolean flushScheduled;
    /** Whether {@link #flush} is running, and whether it was asked again meanwhile. */
    private boolean flushing;
    private boolean flushAgain;
    /** Whether the output ends once what is queued is written: nothing more is queued. */
    boolean shutdownRequested;
    /** Whether the output is done (set by {@link #flush}): the end of input closes the transport. */
    boolean outputDone;
    /** Whether the peer's end of input was taken in. */
    boolean eof;
    /** Read by the container's reading thread too. */
    private volatile boolean closed;
    /**
     * Whether the loop refused a container thread's work (the server stopped): the reading
     * thread stops. Not {@link #closed}, which stays the loop's to set: a close queued before
     * the stop still runs in the loop's last pass and fails what is queued.
     */
    private volatile boolean loopGone;
    private int readsPaused;

    private final Runnable scheduledFlushTask = this::scheduledFlush;

    /** {@code parkOnBacklog}: see {@link ReadGate#ReadGate(boolean)}. */
    HostedTransport(EventLoop loop, SocketAddress remote, SocketAddress local, boolean secure, boolean parkOnBacklog) {
        this.loop = loop;
        this.remote = remote;
        this.local = local;
        this.secure = secure;
        this.gate = new ReadGate(parkOnBacklog);
    }

    // ------------------------------------------------------------------ the container's side

    /** Starts the reader the gate stopped, after the chunks already handed over (loop). */
    abstract void resumeReader();

    /**
     * Writes what is queued while the container takes it; once it is all written after
     * {@link #shutdownOutputAfterFlush}, ends the output and sets {@link #outputDone} (loop).
     * Called through {@link #flush} only.
     */
    abstract void writeQueued();

    /**
     * {@link #writeQueued}, never inside itself: a completed send's future runs the application's
     * callbacks at once, inside the queue's bookkeeping, and one that sends, resumes reading or
     * closes asks for a flush; that flush runs once the current one is done (loop).
     */
    final void flush() {
        if (flushing) {
            flushAgain = true;
            return;
        }
        flushing = true;
        try {
            do {
                flushAgain = false;
                writeQueued();
            } while (flushAgain && !closed);
        } finally {
            flushing = false;
        }
    }

    /** Closes the container's connection: from {@link #close} (loop) or {@link #loopStopped}. */
    abstract void closeConnection(Throwable cause);

    /** Runs a container thread's work on the loop; a stopped loop (server stopped) closes the connection. */
    final void onLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException stopped) {
            loopStopped();
        }
    }

    /**
     * The loop refused a container thread's work: the server stopped. The reading thread stops
     * (one waiting out a backlog too) and the container's connection closes.
     */
    private void loopStopped() {
        loopGone = true;
        closeConnection(null);
    }

    /** Reader: whether to stop reading (the transport closed, or the server stopped). */
    final boolean readerDone() {
        return closed || loopGone;
    }

    /** Reader: a chunk it read goes to the loop, after the ones before it. */
    final void handOver(byte[] chunk) {
        gate.sent(chunk.length);
        onLoop(() -> deliver(chunk));
    }

    // ------------------------------------------------------------------ reading (loop)

    /** A chunk the reader handed over, or one read before the transport began. */
    final void deliver(byte[] chunk) {
        if (!closed && !eof && handler != null) {
            handler.onData(ByteBuffer.wrap(chunk));
            // what the engine wrote in answer (a pong, a close) goes out with this turn's writes,
            // as our socket transport flushes after each read
            flushSoon();
        }
        if (gate.taken(chunk.length) && !closed) {
            resumeReader();
        }
    }

    /** The peer ended its side: closes once the output is done too. */
    final void endOfInput() {
        if (eof || closed) {
            return;
        }
        eof = true;
        if (handler != null) {
            handler.onEof();
        }
        if (outputDone) {
            close(null);
        }
    }

    @Override
    public void pauseReads(int reason, boolean pause) {
        readsPaused = pause ? readsPaused | reason : readsPaused & ~reason;
        if (gate.paused(readsPaused != 0) && !closed) {
            resumeReader();
        }
    }

    // ------------------------------------------------------------------ writing (loop)

    @Override
    public void write(ByteBuffer data) {
        if (closed || shutdownRequested) {
            return;
        }
        queue.add(data);
    }

    @Override
    public void completeAfterQueued(CompletableFuture<Void> done) {
        if (closed) {
            done.completeExceptionally(new ClosedChannelException());
        } else {
            queue.completeAfterQueued(done);
        }
    }

    @Override
    public long queuedBytes() {
        return queue.bytes();
    }

    @Override
    public int queueLength() {
        return queue.size();
    }

    @Override
    public void flushSoon() {
        if (flushScheduled || closed) {
            return;
        }
        flushScheduled = true;
        loop.afterTurn(scheduledFlushTask);
    }

    private void scheduledFlush() {
        flushScheduled = false;
        flush();
    }

    @Override
    public void shutdownOutputAfterFlush() {
        if (closed || shutdownRequested) {
            return;
        }
        shutdownRequested = true;
        flush();
    }

    /** The bytes left in {@code buffers}: a gathering write's size. */
    static long remaining(ByteBuffer[] buffers) {
        long bytes = 0;
        for (ByteBuffer b : buffers) {
            bytes += b.remaining();
        }
        return bytes;
    }

    // ------------------------------------------------------------------ state

    @Override
    public EventLoop loop() {
        return loop;
    }

    @Override
    public void handler(Handler handler) {
        this.handler = handler;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close(Throwable cause) {
        if (closed) {
            return;
        }
        closed = true;
        closeConnection(cause);
        ended(cause);
    }

    /** The container closed the connection itself: the rest of {@link #close}, once (loop). */
    final void closedByContainer(Throwable cause) {
        if (closed) {
            return;
        }
        closed = true;
        ended(cause);
    }

    private void ended(Throwable cause) {
        queue.failAll(cause);
        if (handler != null) {
            handler.onClosed(cause);
        }
    }

    @Override
    public SocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public SocketAddress localAddress() {
        return local;
    }

    @Override
    public boolean secure() {
        return secure;
    }

    @Override
    public SSLSession tlsSession() {
        return null; // the container runs TLS; its session is not ours to see
    }
}
