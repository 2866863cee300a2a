package dev.seed.websocket.servlet;

import dev.seed.websocket.transport.EventLoop;
import dev.seed.websocket.transport.Transport;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.apache.tomcat.util.net.AbstractEndpoint.Handler.SocketState;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;

/**
 * Tomcat's upgraded connection as a {@link Transport}, on Tomcat's own socket wrapper (what its
 * WebSocket uses) rather than the Servlet streams: the sibling of {@code SocketTransport} and
 * {@link JettyTransport}. The Servlet streams cannot stop reading (Tomcat dispatches
 * {@code onDataAvailable} again as long as data waits, so a paused connection would spin a
 * container thread) and cannot be read safely from our loop (their {@code isReady()} answer is
 * cached without a lock); the wrapper can: a read dispatch that returns
 * {@link SocketState#SUSPENDED} is not polled again until we ask ({@code processSocket}).
 *
 * <p>Threads: Tomcat calls {@link #readAvailable} on its threads (one at a time, under the
 * socket's lock); each read is copied and handed to the loop in order. Writes are started on the
 * loop, one gathering write at a time; a buffer stays ours at the head of the queue until Tomcat
 * says it is written. Everything else runs on the loop.
 */
final class TomcatTransport implements Transport {

    private static final int READ_SIZE = 16 * 1024;
    /** A reading thread's buffer: each read is copied out of it. */
    private static final ThreadLocal<ByteBuffer> READ_BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocate(READ_SIZE));
    /** Most buffers in one gathering write. */
    private static final int MAX_GATHER = 64;

    private final EventLoop loop;
    private final SocketWrapperBase<?> socket;
    private final SocketAddress remote;
    private final SocketAddress local;
    private final boolean secure;
    /** Whether the connector writes asynchronously (its default): else non-blocking writes and write dispatches. */
    private final boolean asyncWrites;
    private Handler handler;

    private final OutgoingQueue queue = new OutgoingQueue();
    /** The buffers of the write under way (Tomcat holds them until it is done), or null. */
    private ByteBuffer[] writing;
    /** Their bytes when the write started. */
    private long writingBytes;
    /** Whether the loop is inside the call that starts a write: a completion during it is inline. */
    private boolean startingWrite;
    private boolean completedInline;
    private boolean flushScheduled;
    private boolean shutdownRequested;
    private boolean outputShut;
    private boolean eof;
    /** Read by Tomcat's reading thread too. */
    private volatile boolean closed;
    private int readsPaused;
    /** When the reading thread stops and who starts it again. */
    private final ReadGate gate = new ReadGate(true);

    private final Runnable scheduledFlushTask = this::scheduledFlush;
    private final Runnable writeDoneTask = this::writeDone;
    private final CompletionHandler<Long, Void> written = new CompletionHandler<>() {
        @Override
        public void completed(Long bytes, Void unused) {
            if (startingWrite && loop.inLoop()) {
                completedInline = true; // the loop goes on from flush()
            } else {

                onLoop(writeDoneTask);
            }
        }

        @Override
        public void failed(Throwable x, Void unused) {
            onLoop(() -> close(x));
        }
    };

    TomcatTransport(EventLoop loop, SocketWrapperBase<?> socket, SocketAddress remote, SocketAddress local,
            boolean secure) {
        this.loop = loop;
        this.socket = socket;
        this.remote = remote;
        this.local = local;
        this.secure = secure;
        this.asyncWrites = socket.hasAsyncIO();
    }

    // ------------------------------------------------------------------ Tomcat's side

    /**
     * Reads what the socket has, on Tomcat's thread in a read dispatch: each read is copied and
     * handed to the loop in order. Returns what Tomcat does next: {@code UPGRADED} polls the socket
     * for more; {@code SUSPENDED} does not (the {@link ReadGate} stopped the reader: a pause or a
     * backlog; the loop dispatches a read again when it may go on; or the input ended).
     */
    SocketState readAvailable() {
        ByteBuffer buffer = READ_BUFFER.get();
        try {
            while (!closed) {
                if (gate.park()) {
                    return SocketState.SUSPENDED;
                }
                buffer.clear();
                int n = socket.read(false, buffer);
                if (n < 0) {
                    onLoop(this::endOfInput);
                    return SocketState.SUSPENDED; // nothing more to read; the loop closes when done writing
                }
                if (n == 0) {
                    return SocketState.UPGRADED;
                }
                byte[] chunk = Arrays.copyOf(buffer.array(), n);
                gate.sent(n);
                onLoop(() -> deliver(chunk));
            }
        } catch (IOException | RuntimeException e) {
            onLoop(() -> close(e));
            return SocketState.SUSPENDED;
        }
        return SocketState.CLOSED;
    }

    /** A write dispatch (only without asynchronous writes): the socket takes more. */
    void writePossible() {
        onLoop(writeDoneTask);
    }

    /** Tomcat ends the connection (an error, its shutdown): on the loop. */
    void endedByContainer(Throwable cause) {
        onLoop(() -> close(cause));
    }

    /** Runs a Tomcat thread's work on the loop; a stopped loop (server stopped) closes the connection. */
    private void onLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            closed = true;
            socket.close();
        }
    }

    // ------------------------------------------------------------------ reading (loop)

    private void deliver(byte[] chunk) {
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

    /** Starts the stopped reader: a read dispatch of its own, after the chunks already handed over. */
    private void resumeReader() {
        socket.processSocket(SocketEvent.OPEN_READ, true);
    }

    private void endOfInput() {
        if (eof || closed) {
            return;
        }
        eof = true;
        if (handler != null) {
            handler.onEof();
        }
        if (outputShut) {
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
        if (closed || outputShut || shutdownRequested) {
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

    /** Writes what is queued, one gathering write at a time, while the socket takes it at once. */
    private void flush() {
        while (!closed && writing == null) {
            if (queue.head() == null) {
                if (shutdownRequested && !outputShut) {
                    shutdownOutput();
                }
                return;
            }
            writing = queue.headBuffers(MAX_GATHER);
            long bytes = 0;
            for (ByteBuffer w : writing) {
                bytes += w.remaining();
            }
            writingBytes = bytes;
            try {
                if (!startWrite(writing)) {
                    return; // under way: Tomcat reports when it is done
                }
            } catch (IOException | RuntimeException e) {
                close(e);
                return;
            }
            finishWrite();
        }
    }

    /** Hands {@code buffers} to Tomcat. True: they are written now; false: Tomcat reports later. */
    private boolean startWrite(ByteBuffer[] buffers) throws IOException {
        if (asyncWrites) {
            startingWrite = true;
            try {
                socket.write(SocketWrapperBase.BlockingMode.NON_BLOCK, -1, TimeUnit.MILLISECONDS, null,
                        SocketWrapperBase.COMPLETE_WRITE_WITH_COMPLETION, written, buffers);
            } finally {
                startingWrite = false;
            }
            boolean done = completedInline;
            completedInline = false;
            return done;
        }
        // a non-blocking write takes everything (what the socket does not, Tomcat keeps), then
        // asks for a write dispatch when it still holds some
        for (ByteBuffer b : buffers) {
            socket.write(false, b);
        }
        socket.flush(false);
        return socket.isReadyForWrite();
    }

    /** Tomcat says the write under way is done (or, without asynchronous writes, that it takes more). */
    private void writeDone() {
        if (writing == null || closed) {
            return;
        }
        if (!asyncWrites) {
            try {
                socket.flush(false);
                if (!socket.isReadyForWrite()) {
                    return; // another write dispatch comes
                }
            } catch (IOException | RuntimeException e) {
                close(e);
                return;
            }
        }
        finishWrite();
        flush();
    }

    private void finishWrite() {
        queue.written(writing.length, writingBytes);
        writing = null;
    }

    @Override
    public void shutdownOutputAfterFlush() {
        if (closed || outputShut || shutdownRequested) {
            return;
        }
        shutdownRequested = true;
        flush();
    }

    /** The FIN after our last frame (RFC 6455 section 7.1.1), then read until the peer ends. */
    private void shutdownOutput() {
        outputShut = true;
        try {
            Object channel = socket.getSocket();
            if (channel instanceof NioChannel nio) {
                nio.getIOChannel().shutdownOutput();
            } else { // not NIO (Tomcat's default connector): no half-close, the end of the connection instead
                close(null);
                return;
            }
        } catch (IOException | RuntimeException e) {
            close(e);
            return;
        }
        if (eof) {
            close(null);
        }
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
        socket.close(); // Tomcat's bookkeeping (connection count, processor) goes with it
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
        return null; // the container runs TLS
    }
}
