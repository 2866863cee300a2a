package dev.seed.websocket.servlet;

import dev.seed.websocket.transport.EventLoop;
import dev.seed.websocket.transport.Transport;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A servlet container's upgraded connection ({@link WebConnection}) as a {@link Transport}: the
 * sibling of our {@code SocketTransport}, feeding the same WebSocket connection. The container owns
 * the socket (and TLS); we use its non-blocking streams (Servlet 6.1 section 5.7) from our loop.
 * Containers other than Tomcat and Jetty get it (those two get {@link TomcatTransport} and
 * {@link JettyTransport}); its tests run it on Tomcat. A pause relies on the container keeping
 * the Servlet rule that {@code onDataAvailable} comes again only after {@code isReady()} said
 * false (Tomcat does not: it dispatches again while data waits).
 *
 * <p>Threads: output ({@code isReady}, {@code write}, {@code flush}, {@code close}) runs on the
 * loop; input is read on the container's thread in {@code onDataAvailable} and handed to the loop
 * in order (see {@link #readAvailable}). The other callbacks ({@code onWritePossible},
 * {@code onAllDataRead}, {@code onError}) only schedule work on the loop. The container promises
 * one callback after each {@code isReady()} that returned false, which is what resumes reading
 * and writing.
 *
 * <p>Half-close: the Servlet API has none; on Tomcat the transport half-closes the socket under
 * the connection (see {@link ContainerSockets}) and reads until the peer ends, as our socket
 * transport does; elsewhere it closes once everything queued is written (or, after a failure,
 * stops writing and reads until the peer ends).
 */
final class ServletTransport extends HostedTransport implements ReadListener, WriteListener {

    /** How long a reading thread sleeps between looks at a backlog. */
    private static final long BACKLOG_WAIT_NANOS = 200_000;
    /** A reading thread's array (each read is copied out of it). */
    private static final ThreadLocal<byte[]> READ_ARRAY = ThreadLocal.withInitial(() -> new byte[READ_SIZE]);

    private final WebConnection connection;
    private final ServletInputStream in;
    private final ServletOutputStream out;

    /** Written since the last flush: the container may hold it in its own buffer until flushed. */
    private boolean unflushed;
    /** The size of the buffer at the head of the queue that the container is writing, or -1. */
    private int writingBytes = -1;
    /** Whether, once the output is done, we wait for the peer's end before closing (lingerAfterFlush). */
    private boolean lingering;
    /**
     * Whether the container has called onWritePossible once: output waits for it. Tomcat dispatches
     * the first onWritePossible and onDataAvailable itself after setWriteListener and
     * setReadListener; an isReady() from another thread before that can make it drop both.
     */
    private volatile boolean writable;
    private final Runnable readTask = this::readAvailable;

    private final Runnable flushTask = this::flush;

    ServletTransport(EventLoop loop, WebConnection connection, InetSocketAddress remote, InetSocketAddress local,
            boolean secure) throws IOException {
        super(loop, remote, local, secure, false);
        this.connection = connection;
        this.in = connection.getInputStream();
        this.out = connection.getOutputStream();
    }

    /** Registers the listeners: from now on the container reports readiness. Container thread, once. */
    void listen() {
        in.setReadListener(this);
        out.setWriteListener(this);
    }

    // ------------------------------------------------------------------ container callbacks

    @Override
    public void onDataAvailable() {
        readAvailable();
    }

    @Override
    public void onAllDataRead() {
        onLoop(this::endOfInput);
    }

    @Override
    public void onWritePossible() {
        writable = true; // (volatile) before the task that reads it
        onLoop(flushTask);
    }

    @Override
    public void onError(Throwable t) {
        // Tomcat reports the peer's end of input as an EOFException: the end, not a failure
        onLoop(t instanceof java.io.EOFException ? this::endOfInput : () -> close(t));
    }

    @Override
    void closeConnection(Throwable cause) {
        try {
            connection.close();
        } catch (Exception ignored) {
            // closing anyway
        }
        // The container notices closed streams only in its next dispatch for the connection,
        // which a silent peer never causes (see ContainerSockets).
        ContainerSockets.closeSocket(connection);
    }

    // ------------------------------------------------------------------ reading

    /**
     * Reads what the container has, on the thread that called {@code onDataAvailable}: each read
     * is copied and handed to the loop in order. Reading stays on the container's thread because
     * Tomcat's upgraded input stream caches {@code isReady()}'s answer without a lock: a
     * {@code false} computed on another thread can overwrite the {@code true} of a concurrent
     * {@code onDataAvailable}, and no callback would come again. When the {@link ReadGate} stops
     * it (a pause, a backlog) it stops before asking {@code isReady()}, so no callback is pending,
     * and the loop starts it again with a task of its own (after the chunks already handed over).
     */
    private void readAvailable() {
        byte[] array = READ_ARRAY.get();
        try {
            while (!readerDone()) {
                if (gate.park()) {
                    return;
                }
                // a flood: this container thread waits (inside its callback) until the loop catches up
                while (gate.backlogged() && !readerDone()) {
                    if (loop().inLoop()) {
                        // resumed on the loop: the deliveries it waits for are this loop's tasks;
                        // read again after them
                        onLoop(readTask);
                        return;
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(BACKLOG_WAIT_NANOS);
                }
                if (!in.isReady()) {
                    return; // the container calls onDataAvailable (or onAllDataRead) later
                }
                int n = in.read(array, 0, array.length);
                if (n < 0) {
                    onLoop(this::endOfInput);
                    return;
                }
                if (n > 0) {
                    handOver(java.util.Arrays.copyOf(array, n));
                }
            }
        } catch (java.io.EOFException end) {
            onLoop(this::endOfInput); // as onError
        } catch (IOException | RuntimeException e) {
            onLoop(() -> close(e));
        }
    }

    @Override
    void resumeReader() {
        onLoop(readTask); // after the chunks already handed over: they stay in order
    }

    // ------------------------------------------------------------------ writing

    /**
     * Hands what is queued to the container while it takes it; then flushes; then closes if asked.
     * A non-blocking write may keep a reference to its buffer until {@code isReady()} is true
     * again: the buffer stays at the head of the queue until then (see {@link OutgoingQueue}).
     */
    @Override
    void writeQueued() {
        if (isClosed() || !writable) {
            return; // the container's first onWritePossible (after setWriteListener) starts output
        }
        try {
            if (!out.isReady()) {
                return; // the last write is still under way: onWritePossible comes
            }
            if (writingBytes >= 0) {
                queue.written(1, writingBytes); // the container is done with it
                writingBytes = -1;
            }
            ByteBuffer b;
            while ((b = queue.head()) != null) {
                writingBytes = b.remaining();
                writeToContainer(b);
                unflushed = true;
                if (!out.isReady()) {
                    return; // under way: onWritePossible comes
                }
                queue.written(1, writingBytes);
                writingBytes = -1;
            }
            if (unflushed) {
                unflushed = false;
                out.flush();
                if (!out.isReady()) {
                    return;
                }
            }
            if (shutdownRequested && !outputDone) {
                outputDone = true; // nothing more to write
                // the FIN where the container lets us send it, and then read until the peer ends,
                // as our socket transport does; else stop writing and wait (a failure) or close
                boolean halfClosed = ContainerSockets.shutdownOutput(connection);
                if (eof || !halfClosed && !lingering) {
                    close(null);
                }
            }
        } catch (IOException | RuntimeException e) {
            close(e);
        }
    }

    /** One buffer to the container: a heap buffer as its array range, a direct one as it is. */
    private void writeToContainer(ByteBuffer b) throws IOException {
        if (b.hasArray()) {
            out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
            b.position(b.limit());
        } else {
            out.write(b);
        }
    }

    /**
     * No half-close here: stop writing once what is queued is out, and keep reading (the
     * connection drops what comes) until the peer ends; the connection's close timer bounds it.
     */
    @Override
    public void lingerAfterFlush() {
        if (isClosed() || shutdownRequested) {
            return;
        }
        lingering = true;
        shutdownOutputAfterFlush();
    }
}
