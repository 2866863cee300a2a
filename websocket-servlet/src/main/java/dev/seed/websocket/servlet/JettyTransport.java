package dev.seed.websocket.servlet;

import dev.seed.websocket.HostedUpgrades;
import dev.seed.websocket.transport.Transport;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty 12's upgraded connection as a {@link Transport}: the sibling of {@code SocketTransport}
 * and {@link ServletTransport} on Jetty, whose Servlet upgrade cannot carry a WebSocket (it hands
 * the upgraded stream the HTTP request's end of input). Jetty swaps our {@link Connection}
 * ({@link #connection()}) in for its HTTP connection once the 101 is written (the way its own
 * WebSocket does), and we read and write its {@link EndPoint} directly.
 *
 * <p>Threads: Jetty calls {@link JettyConnection#onFillable} on its threads; each fill is copied
 * and handed to the loop in order. Writes are started on the loop, one at a time
 * ({@code EndPoint.write} with a callback); a buffer stays ours at the head of the queue until
 * Jetty's callback says it is written. Everything else runs on the loop.
 */
final class JettyTransport extends HostedTransport {

    private final HostedUpgrades.Answer answer;
    private final EndPoint endPoint;
    private final JettyConnection connection;

    /** Bytes Jetty had read past the request before the upgrade; delivered first. */
    private byte[] prefilled;

    /** The buffers of the write under way (Jetty holds them until its callback), or null. */
    private ByteBuffer[] writing;
    /** Their bytes when the write started. */
    private long writingBytes;

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
        super(answer.loop(), remote, local, secure, true);
        this.answer = answer;
        this.endPoint = endPoint;
        this.connection = new JettyConnection(endPoint, executor);
    }

    /** What Jetty swaps in for its HTTP connection ({@code HttpStream.UPGRADE_CONNECTION_ATTRIBUTE}). */
    Connection connection() {
        return connection;
    }

    /** The {@link Connection} Jetty sees: its calls go to the transport. */
    private final class JettyConnection extends AbstractConnection implements Connection.UpgradeTo {

        JettyConnection(EndPoint endPoint, Executor executor) {
            super(endPoint, executor);
        }

        @Override
        public void onUpgradeTo(ByteBuffer buffer) {
            upgradedWith(buffer);
        }

        @Override
        public void onOpen() {
            super.onOpen();
            opened();
        }

        @Override
        public void onFillable() {
            readAvailable();
        }

        @Override
        public boolean onIdleExpired(TimeoutException timeout) {
            return false; // the WebSocket connection has its own idle timeout
        }

        @Override
        public void onClose(Throwable cause) {
            super.onClose(cause);
            onLoop(() -> closedByContainer(cause));
        }
    }

    // ------------------------------------------------------------------ Jetty's side

    private void upgradedWith(ByteBuffer buffer) {
        if (buffer != null && buffer.hasRemaining()) {
            prefilled = new byte[buffer.remaining()];
            buffer.get(prefilled);
        }
    }

    private void opened() {
        // timeouts are the WebSocket connection's (idle timeout, keepalive), not Jetty's
        endPoint.setIdleTimeout(0);
        byte[] first = prefilled;
        prefilled = null;
        if (first != null) {
            gate.sent(first.length); // taken in by deliver, as every read
        }
        try {
            loop().execute(() -> {
                answer.open(this);
                if (first != null) {
                    deliver(first);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            answer.abandon();
            endPoint.close();
            return;
        }
        connection.fillInterested();
    }

    private void readAvailable() {
        ByteBuffer buffer = READ_BUFFER.get();
        try {
            while (!readerDone()) {
                if (gate.park()) {
                    return; // the loop asks Jetty for more (fillInterested) when it may read again
                }
                buffer.clear().limit(0);
                int n = endPoint.fill(buffer);
                if (n < 0) {
                    onLoop(this::endOfInput);
                    return;
                }
                if (n == 0) {
                    connection.fillInterested();
                    return;
                }
                handOver(Arrays.copyOfRange(buffer.array(), buffer.position(), buffer.limit()));
            }
        } catch (IOException | RuntimeException e) {
            onLoop(() -> close(e));
        }
    }

    /** Jetty calls onFillable again, after the chunks already handed over. */
    @Override
    void resumeReader() {
        connection.fillInterested();
    }


    @Override
    void closeConnection(Throwable cause) {
        endPoint.close(cause); // Jetty calls onClose, which reports on the loop
    }

    // ------------------------------------------------------------------ writing (loop)

    /** Starts one gathering write of what is queued, unless one is under way. */
    @Override
    void writeQueued() {
        if (isClosed() || writing != null) {
            return;
        }
        if (queue.head() == null) {
            if (shutdownRequested && !outputDone) {
                outputDone = true;
                endPoint.shutdownOutput(); // the FIN after our last frame (RFC 6455 section 7.1.1)
                if (eof) {
                    close(null);
                }
            }
            return;
        }
        writing = queue.headBuffers(MAX_GATHER);
        writingBytes = remaining(writing);
        endPoint.write(written, writing);
    }

    /** Jetty's callback: the write is done; its buffers leave the queue. */
    private void writeDone() {
        ByteBuffer[] done = writing;
        if (done == null || isClosed()) {
            writing = null;
            return;
        }
        // still marked under way while the markers' callbacks run: a flush they ask for waits
        queue.written(done.length, writingBytes);
        writing = null;
        flush();
    }
}
