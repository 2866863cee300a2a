package dev.seed.websocket.servlet;

import dev.seed.websocket.transport.EventLoop;
import dev.seed.websocket.transport.Transport;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
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
final class TomcatTransport extends HostedTransport {

    private final SocketWrapperBase<?> socket;
    /** Whether the connector writes asynchronously (its default): else non-blocking writes and write dispatches. */
    private final boolean asyncWrites;

    /** The buffers of the write under way (Tomcat holds them until it is done), or null. */
    private ByteBuffer[] writing;
    /** Their bytes when the write started. */
    private long writingBytes;
    /** Whether the loop is inside the call that starts a write: a completion during it is inline. */
    private boolean startingWrite;
    private boolean completedInline;

    private final Runnable writeDoneTask = this::writeDone;
    private final CompletionHandler<Long, Void> written = new CompletionHandler<>() {
        @Override
        public void completed(Long bytes, Void unused) {
            if (startingWrite && loop().inLoop()) {
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
        super(loop, remote, local, secure, true);
        this.socket = socket;
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
            while (!readerDone()) {
                if (gate.park()) {
                    return SocketState.SUSPENDED;
                }
                buffer.clear();
                int n;
                try {
                    n = socket.read(false, buffer);
                } catch (java.io.EOFException end) {
                    n = -1; // how Tomcat's non-blocking read says the peer ended: not a failure
                } catch (IOException e) {
                    if (!tlsEndedByPeer()) {
                        throw e;
                    }
                    n = -1; // a close_notify arriving alone fails Tomcat's TLS read: the peer ended
                }
                if (n < 0) {
                    onLoop(this::endOfInput);
                    return SocketState.SUSPENDED; // nothing more to read; the loop closes when done writing
                }
                if (n == 0) {
                    return SocketState.UPGRADED;
                }
                handOver(Arrays.copyOf(buffer.array(), n));
            }
        } catch (IOException | RuntimeException e) {
            onLoop(() -> close(e));
            return SocketState.SUSPENDED;
        }
        return SocketState.CLOSED;
    }

    /** Whether the peer ended TLS (its close_notify came): what Tomcat's TLS read then fails with is the end of input. */
    private boolean tlsEndedByPeer() {
        return socket.getSocket() instanceof org.apache.tomcat.util.net.SecureNioChannel tls
                && tls.getSslEngine() != null && tls.getSslEngine().isInboundDone();
    }

    /** A write dispatch (only without asynchronous writes): the socket takes more. */
    void writePossible() {
        onLoop(writeDoneTask);
    }

    /** Tomcat ends the connection (an error, its shutdown): on the loop. */
    void endedByContainer(Throwable cause) {
        onLoop(() -> close(cause));
    }

    /** Starts the stopped reader: a read dispatch of its own, after the chunks already handed over. */
    @Override
    void resumeReader() {
        socket.processSocket(SocketEvent.OPEN_READ, true);
    }

    @Override
    void closeConnection(Throwable cause) {
        socket.close(); // Tomcat's bookkeeping (connection count, processor) goes with it
    }

    // ------------------------------------------------------------------ writing (loop)

    /** Writes what is queued, one gathering write at a time, while the socket takes it at once. */
    @Override
    void writeQueued() {
        while (!isClosed() && writing == null) {
            if (queue.head() == null) {
                if (shutdownRequested && !outputDone) {
                    shutdownOutput();
                }
                return;
            }
            writing = queue.headBuffers(MAX_GATHER);
            writingBytes = remaining(writing);
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
        if (writing == null || isClosed()) {
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

    /** The FIN after our last frame (RFC 6455 section 7.1.1), then read until the peer ends. */
    private void shutdownOutput() {
        outputDone = true;
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
}
