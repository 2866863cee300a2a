package dev.seed.websocket.servlet;

import dev.seed.websocket.HostedUpgrades;
import dev.seed.websocket.transport.EventLoop;
import dev.seed.websocket.transport.Transport;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLSession;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty 12's upgraded connection as a {@link Transport}: the sibling of {@code SocketTransport}
 * and {@link ServletTransport} on Jetty, whose Servlet upgrade cannot carry a WebSocket (it hands
 * the upgraded stream the HTTP request's end of input). Jetty swaps this {@link Connection} in
 * for its HTTP connection once the 101 is written (the way its own WebSocket does), and we read
 * and write its {@link EndPoint} directly.
 *
 * <p>Threads: Jetty calls {@link #onFillable} on its threads; each fill is copied and handed to
 * the loop in order. Writes are started on the loop, one at a time ({@code EndPoint.write} with a
 * callback); a buffer stays ours at the head of the queue until Jetty's callback says it is
 * written. Everything else runs on the loop.
 */
final class JettyTransport extends AbstractConnection implements Transport, Connection.UpgradeTo {

    private static final int READ_SIZE = 16 * 1024;
    /** A reading thread's buffer: each fill is copied out of it. */
    private static final ThreadLocal<ByteBuffer> READ_BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocate(READ_SIZE));
    /** Most buffers in one gathering write. */
    private static final int MAX_GATHER = 64;

    private final HostedUpgrades.Answer answer;
    private final EventLoop loop;
    private final boolean secure;
    private final SocketAddress remote;
    private final SocketAddress local;
    private Handler handler;

    /** Bytes Jetty had read past the request before the upgrade; delivered first. */
    private byte[] prefilled;

    private final OutgoingQueue queue = new OutgoingQueue();
    /** The buffers of the write under way (Jetty holds them until its callback), or null. */
    private ByteBuffer[] writing;
    /** Their bytes when the write started. */
    private long writingBytes;
    private boolean flushScheduled;
    private boolean shutdownRequested;
    private boolean outputShut;
    private boolean eof;
    /** Read by Jetty's reading thread too. */
    private volatile boolean closed;
    private int readsPaused;
    /** When the reading thread stops and who starts it again. */
    private final ReadGate gate = new ReadGate(true);

    private final Runnable scheduledFlushTask = this::scheduledFlush;
    private final Callback written = new Callback() {
        @Override
        public void succeeded() {
            onLoop(JettyTransport.this::writeDone);
        }

        @Override
        public void failed(Throwable x) {
            onLoop(() -> close(x));
        }
    };

    /**
     * {@code remote} and {@code local} are the request's (a forwarded client address included), as
     * the upgrade counted them: the connection is released by the same address when it ends.
     */
    JettyTransport(HostedUpgrades.Answer answer, EndPoint endPoint, Executor executor, SocketAddress remote,
            SocketAddress local, boolean secure) {
        super(endPoint, executor);
        this.answer = answer;
        this.loop = answer.loop();
        this.secure = secure;
        this.remote = remote;
        this.local = local;
    }

    // ------------------------------------------------------------------ Jetty's side

    @Override
    public void onUpgradeTo(ByteBuffer buffer) {
        if (buffer != null && buffer.hasRemaining()) {
            prefilled = new byte[buffer.remaining()];
            buffer.get(prefilled);
        }
    }

    @Override
    public void onOpen() {
        super.onOpen();
        // timeouts are the WebSocket connection's (idle timeout, keepalive), not Jetty's
        getEndPoint().setIdleTimeout(0);
        byte[] first = prefilled;
        prefilled = null;
        try {
            loop.execute(() -> {
                answer.open(this);
                if (first != null) {
                    deliver(first);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            answer.abandon();
            getEndPoint().close();
            return;
        }
        fillInterested();
    }

    @Override
    public void onFillable() {
        ByteBuffer buffer = READ_BUFFER.get();
        try {
            while (!closed) {
                if (gate.park()) {
                    return; // the loop asks Jetty for more (fillInterested) when it may read again
                }
                buffer.clear().limit(0);
                int n = getEndPoint().fill(buffer);
                if (n < 0) {
                    onLoop(this::endOfInput);
                    return;
                }
                if (n == 0) {
                    fillInterested();
                    return;
                }
                byte[] chunk = Arrays.copyOfRange(buffer.array(), buffer.position(), buffer.limit());
                gate.sent(chunk.length);
                onLoop(() -> deliver(chunk));
            }
        } catch (IOException | RuntimeException e) {
            onLoop(() -> close(e));
        }
    }

    @Override
    public boolean onIdleExpired(TimeoutException timeout) {
        return false; // the WebSocket connection has its own idle timeout
    }

    @Override
    public void onClose(Throwable cause) {
        super.onClose(cause);
        onLoop(() -> closed(cause));
    }

    private void onLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            getEndPoint().close();
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
            fillInterested();
        }
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
            fillInterested(); // Jetty calls onFillable again, after the chunks already handed over
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

    /** Starts one gathering write of what is queued, unless one is under way. */
    private void flush() {
        if (closed || writing != null) {
            return;
        }
        if (queue.head() == null) {
            if (shutdownRequested && !outputShut) {
                outputShut = true;
                getEndPoint().shutdownOutput(); // the FIN after our last frame (RFC 6455 section 7.1.1)
                if (eof) {
                    close(null);
                }
            }
            return;
        }
        writing = queue.headBuffers(MAX_GATHER);
        long bytes = 0;
        for (ByteBuffer w : writing) {
            bytes += w.remaining();
        }
        writingBytes = bytes;
        getEndPoint().write(written, writing);
    }

    /** Jetty's callback: the write is done; its buffers leave the queue. */
    private void writeDone() {
        ByteBuffer[] done = writing;
        writing = null;
        if (done == null || closed) {
            return;
        }
        queue.written(done.length, writingBytes);
        flush();
    }

    @Override
    public void shutdownOutputAfterFlush() {
        if (closed || outputShut || shutdownRequested) {
            return;
        }
        shutdownRequested = true;
        flush();
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
        getEndPoint().close(cause); // Jetty calls onClose, which reports on the loop
        closed(cause);
    }

    /** The end, on the loop, once. */
    private void closed(Throwable cause) {
        if (closed) {
            return;
        }
        closed = true;
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
