package dev.seed.websocket.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;

/**
 * The TLS record layer of one {@link SocketTransport}: unwraps what the socket read, wraps what
 * the transport queued, drives the handshake. This class is not thread safe: the loop thread
 * only, but for the engine's delegated tasks, which run on {@link TlsTasks}' pool.
 *
 * <p>The {@link SSLEngine} states it meets, and what it does in each (javax.net.ssl.SSLEngine):
 * <ul>
 * <li>NEED_TASK: the delegated tasks run off the loop; meanwhile this connection neither reads,
 * unwraps nor wraps ({@link #tasksRunning()}), and the loop serves its other connections.
 * <li>NEED_WRAP / NEED_UNWRAP: handshake records go out / wait for more input.
 * <li>unwrap CLOSED: the peer's close_notify. With TLS 1.2 the engine closes its outbound side as
 * well (RFC 5246 section 7.2.1: the reply close_notify is the last record); with TLS 1.3 it does
 * not (RFC 8446 section 6.1: each side closes its own direction).
 * <li>wrap CLOSED: nothing more can be sent (the transport fails what it still queues).
 * <li>no progress at all (nothing consumed, nothing produced): wait for input, never loop.
 * </ul>
 *
 * <p>Memory: a buffer only for a partial record read ({@link #netIn}) or records the socket did
 * not take ({@link #netOut}); records are wrapped into the loop's scratch buffer.
 */
final class TlsLayer {

    static final ByteBuffer[] NO_BUFFERS = new ByteBuffer[0];
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SocketTransport transport;
    private final SocketChannel channel;
    private final EventLoop loop;
    private final SSLEngine engine;
    /** Encrypted bytes read but not yet unwrapped (a partial record); null when none. */
    private ByteBuffer netIn;
    /**
     * Encrypted bytes wrapped but not yet written; null when none. Between calls it is never the
     * loop's scratch buffer: what the socket did not take is copied out (see {@link #writeRecords}).
     */
    private ByteBuffer netOut;
    /** Whether {@link #netOut} is the loop's scratch buffer (only within one call). */
    private boolean netOutShared;
    /** Whether the engine's delegated tasks are running off the loop. */
    private boolean tasksRunning;
    /** Whether the handshake finished: plaintext is handed on from then on. */
    private boolean handshakeDone;

    TlsLayer(SocketTransport transport, SocketChannel channel, EventLoop loop, SSLEngine engine) {
        this.transport = transport;
        this.channel = channel;
        this.loop = loop;
        this.engine = engine;
    }

    SSLEngine engine() {
        return engine;
    }

    /** Starts the handshake. */
    void begin() throws SSLException {
        engine.beginHandshake();
        driveHandshake();
    }

    /** Whether delegated tasks are running: no reads, unwraps or wraps until they are done. */
    boolean tasksRunning() {
        return tasksRunning;
    }

    /** Whether records wait for the socket. */
    boolean recordsPending() {
        return netOut != null;
    }

    /** Unwraps {@code fresh} after any partial record kept from before, handing plaintext on. */
    void unwrap(ByteBuffer fresh) {
        ByteBuffer src = fresh;
        if (netIn != null) {
            netIn = grow(netIn, fresh.remaining());
            netIn.put(fresh).flip();
            src = netIn;
        }
        try {
            boolean stalled = false;
            while (!transport.isClosed() && !tasksRunning && src.hasRemaining()) {
                ByteBuffer plain = loop.plainBuffer(engine.getSession().getApplicationBufferSize());
                SSLEngineResult r = engine.unwrap(src, plain);
                plain.flip();
                if (plain.hasRemaining() && handshakeDone) {
                    transport.plaintext(plain);
                }
                Status status = r.getStatus();
                if (status == Status.CLOSED) {
                    transport.peerEof(); // close_notify
                    break;
                }
                if (status == Status.BUFFER_UNDERFLOW) {
                    break; // a partial record: wait for more bytes
                }
                if (status == Status.BUFFER_OVERFLOW) {
                    throw new SSLException("TLS record larger than the session's application buffer");
                }
                if (r.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING || !handshakeDone) {
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
            fail(e);
            return;
        }
        // Keep a partial record (or what waits for delegated tasks); drop the buffer when empty.
        if (transport.isClosed() || !src.hasRemaining()) {
            netIn = null;
        } else if (src != netIn) {
            netIn = ByteBuffer.allocate(Math.max(src.remaining(), engine.getSession().getPacketBufferSize()));
            netIn.put(src);
        } else {
            netIn.compact();
        }
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

    /** The peer's FIN: without its close_notify first, the engine warns of truncation; EOF anyway. */
    void closeInbound() {
        try {
            engine.closeInbound();
        } catch (SSLException e) {
            // truncation attack warning: the peer did not send close_notify
        }
    }

    /**
     * The TLS engine refused what the peer sent (a bad record, a protocol version we do not
     * speak, plain text on a TLS port). The engine has a fatal alert ready (RFC 8446 section 6.2,
     * RFC 5246 section 7.2.2): one attempt to send it, so that the peer learns why, then close.
     */
    void fail(SSLException e) {
        try {
            netOut = null;
            wrap(NO_BUFFERS, 0);
            if (netOut != null && netOut.hasRemaining()) {
                channel.write(netOut);
            }
        } catch (IOException | RuntimeException ignored) {
            // the alert is a courtesy: closing anyway
        }
        transport.close(e);
    }

    /** Runs the handshake as far as it can go without more input (or until tasks run). */
    void driveHandshake() throws SSLException {
        while (!transport.isClosed() && !tasksRunning) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            switch (hs) {
                case NEED_TASK -> {
                    runDelegatedTasks();
                    return;
                }
                case NEED_WRAP -> {
                    SSLEngineResult r = wrap(NO_BUFFERS, 0);
                    writeRecords();
                    if (r.bytesProduced() == 0 && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                        return; // the engine cannot wrap (outbound closed): do not spin
                    }
                }
                case NEED_UNWRAP_AGAIN -> {
                    ByteBuffer plain = loop.plainBuffer(engine.getSession().getApplicationBufferSize());
                    SSLEngineResult r = engine.unwrap(EMPTY, plain);
                    if (r.bytesProduced() == 0 && engine.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP_AGAIN) {
                        return;
                    }
                }
                case FINISHED, NOT_HANDSHAKING -> {
                    if (!handshakeDone) {
                        handshakeDone = true;
                        transport.handshakeFinished();
                    }
                    return;
                }
                default -> {
                    return; // NEED_UNWRAP: wait for the peer
                }
            }
        }
    }

    /**
     * Hands the engine's delegated tasks to {@link TlsTasks}; the connection pauses (no reads,
     * unwraps or wraps) until they are done, then resumes on the loop.
     */
    private void runDelegatedTasks() {
        List<Runnable> batch = new ArrayList<>(2);
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            batch.add(task);
        }
        if (batch.isEmpty()) {
            return;
        }
        tasksRunning = true;
        transport.interestChanged();
        try {
            TlsTasks.executor().execute(() -> {
                try {
                    for (Runnable t : batch) {
                        t.run(); // a failure surfaces from the engine's next wrap or unwrap
                    }
                } finally {
                    try {
                        loop.execute(this::delegatedTasksDone);
                    } catch (RejectedExecutionException stopped) {
                        // the loop stopped and closed this connection
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            tasksRunning = false;
            transport.close(e);
        }
    }

    /** The delegated tasks are done: go on with the handshake and with what was read meanwhile. */
    private void delegatedTasksDone() {
        tasksRunning = false;
        if (transport.isClosed()) {
            return;
        }
        transport.interestChanged();
        transport.resumeAfterTasks(() -> {
            try {
                driveHandshake();
            } catch (SSLException e) {
                fail(e);
                return;
            }
            if (!transport.isClosed() && netIn != null) {
                unwrap(EMPTY);
            } else if (!transport.isClosed() && !tasksRunning
                    && engine.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP) {
                // A task that failed (a certificate refused) is thrown by the engine's next call;
                // with no input pending nothing else would call it before a timeout.
                try {
                    engine.unwrap(EMPTY, loop.plainBuffer(engine.getSession().getApplicationBufferSize()));
                } catch (SSLException e) {
                    fail(e);
                }
            }
        });
    }

    /**
     * Wraps the first {@code count} buffers of {@code plain} into {@link #netOut}, several records
     * while they fit: into the loop's scratch buffer when nothing is pending (see
     * {@link #writeRecords}). Returns the last result, with the plaintext consumed in all.
     */
    SSLEngineResult wrap(ByteBuffer[] plain, int count) throws SSLException {
        int packet = engine.getSession().getPacketBufferSize();
        long consumed = 0;
        long produced = 0;
        while (true) {
            if (netOut == null) {
                netOut = loop.netOutBuffer(packet);
                netOutShared = true;
            } else {
                netOut.compact();
            }
            SSLEngineResult r = engine.wrap(plain, 0, count, netOut);
            netOut.flip();
            consumed += r.bytesConsumed();
            produced += r.bytesProduced();
            if (r.getStatus() == Status.BUFFER_OVERFLOW) {
                ByteBuffer bigger = ByteBuffer.allocate(netOut.remaining() + packet);
                bigger.put(netOut).flip();
                netOut = bigger;
                netOutShared = false;
                continue;
            }
            boolean more = r.getStatus() == Status.OK && r.bytesConsumed() > 0
                    && r.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
                    && hasRemaining(plain, count) && netOut.capacity() - netOut.limit() >= packet;
            if (!more) {
                if (netOutShared && !netOut.hasRemaining()) {
                    // Nothing to write: let go of the loop's buffer at once, so that no callback run
                    // before the next write (a future failed, say) can find it held by this connection.
                    netOut = null;
                    netOutShared = false;
                }
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
     * Writes the wrapped records; true when none is left. What the socket does not take now is
     * copied out of the loop's scratch buffer into one of this connection's own.
     */
    boolean writeRecords() {
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
                    transport.wantWrite();
                    return false;
                }
            }
        } catch (IOException e) {
            transport.close(e);
            return false;
        }
        netOut = null;
        netOutShared = false;
        return true;
    }

    /**
     * Wraps and writes our close_notify (RFC 8446 section 6.1); true once it is all written, so
     * that the FIN may follow. Called again until then.
     */
    boolean closeOutbound() throws SSLException {
        if (tasksRunning) {
            return false; // the transport flushes again when the tasks are done
        }
        engine.closeOutbound();
        wrap(NO_BUFFERS, 0);
        return writeRecords();
    }

    /** The transport closed: buffers go, and the engine is told. */
    void release() {
        netIn = null;
        netOut = null;
        netOutShared = false;
        engine.closeOutbound();
    }
}
