package dev.seed.websocket.internal;

import dev.seed.websocket.CloseCause;
import dev.seed.websocket.CloseCodes;
import dev.seed.websocket.protocol.extension.PerMessageDeflateExtension;
import dev.seed.websocket.transport.EventLoop;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The timers of one connection: idle timeout, keepalive ping and its pong timeout (RFC 6455
 * section 5.5.2), the close timeout, the maximum lifetime, and the tasks the application
 * scheduled. Created only when one of them is armed, so that a connection without any holds
 * nothing. This class is not thread safe: the connection's loop only.
 */
final class ConnectionTimers {

    private final WsConnection connection;
    private final EndpointConfig config;
    private EventLoop.Timer idle;
    private EventLoop.Timer ping;
    private EventLoop.Timer pong;
    private EventLoop.Timer close;
    private EventLoop.Timer lifetime;
    /** When the pending keepalive ping was sent; 0 when none is pending. */
    private long pingSentNanos;
    /** Server: the longest the connection may live; 0: forever. */
    long lifetimeNanos;
    /** This connection's idle timeout in nanoseconds (0: none); the endpoint's until changed. */
    private volatile long idleNanos;
    /** Looks whether the connection still compresses (see {@link #watchCompression}); null when not watching. */
    private EventLoop.Timer compressionIdle;
    /** The extension whose compressor context {@link #compressionIdle} watches. */
    private PerMessageDeflateExtension watchedDeflate;
    /** Tasks the application scheduled that have not run; null until the first. */
    private List<ConnectionTask> tasks;
    /**
     * When the last bytes arrived (System.nanoTime), or when these timers were made if later: the
     * connection tells only its timers, so that one without timers reads no clock per read. An
     * idle timeout set after open so counts from the later of the two (never sooner than due).
     */
    private long lastReadNanos = System.nanoTime();
    /** Round-trip time of the last keepalive ping in nanoseconds (at least 1); 0 before the first. Any thread. */
    private volatile long roundTripNanos;

    ConnectionTimers(WsConnection connection, EndpointConfig config) {
        this.connection = connection;
        this.config = config;
        this.idleNanos = config.idleTimeout().toNanos();
    }

    /** This connection's idle timeout. Any thread. */
    Duration idleTimeout() {
        return Duration.ofNanos(idleNanos);
    }

    /** Changes this connection's idle timeout (zero: none) and re-arms its timer. */
    void idleTimeout(Duration timeout) {
        idleNanos = timeout.toNanos();
        if (idle != null) {
            idle.cancel();
            idle = null;
        }
        if (idleNanos > 0 && !connection.hasFinished()) {
            idle = loop().schedule(this::checkIdle, idleNanos);
        }
    }

    private EventLoop loop() {
        return connection.loop();
    }

    /** At open: the idle and keepalive timers when configured, and the lifetime. */
    void armAtOpen() {
        if (idleNanos > 0 && idle == null) { // (onOpen may have set the connection's own timeout)
            idle = loop().schedule(this::checkIdle, idleNanos);
        }
        if (!config.pingInterval().isZero()) {
            ping = loop().schedule(this::keepalive, config.pingInterval().toNanos());
        }
        if (lifetimeNanos > 0) {
            lifetime = loop().schedule(() -> connection.closeWith(CloseCodes.WS_GONE,
                    "Maximum connection lifetime reached.", CloseCause.MAX_LIFETIME), lifetimeNanos);
        }
    }

    /** Bytes arrived (or reading resumed): the idle time counts from now. */
    void bytesArrived() {
        lastReadNanos = System.nanoTime();
    }

    /** The last keepalive round-trip time in nanoseconds; 0 before the first. Any thread. */
    long roundTripNanos() {
        return roundTripNanos;
    }

    private void checkIdle() {
        if (connection.hasFinished()) {
            return;
        }
        long limit = idleNanos;
        if (limit <= 0) {
            return;
        }
        // A connection whose application paused reading is not idle: it does not look.
        long quiet = connection.readsHeld() ? 0 : System.nanoTime() - lastReadNanos;
        if (quiet >= limit) {
            connection.closeWith(CloseCodes.WS_GONE, "Idle timeout.", CloseCause.IDLE_TIMEOUT);
        } else {
            idle = loop().schedule(this::checkIdle, limit - quiet);
        }
    }

    /** Whether a compressor context is being watched for idleness. */
    boolean watchingCompression() {
        return compressionIdle != null;
    }

    /**
     * Watches the compressor context {@code deflate} now holds: once a whole period passes
     * without compressing, the context is freed (the endpoint's compressionIdleRelease).
     */
    void watchCompression(PerMessageDeflateExtension deflate) {
        long period = config.compressionIdleRelease().toNanos();
        if (compressionIdle == null) {
            watchedDeflate = deflate;
            deflate.compressedSinceLastLook(); // this period starts now
            compressionIdle = loop().schedule(this::checkCompressionIdle, period);
        }
    }

    private void checkCompressionIdle() {
        compressionIdle = null;
        PerMessageDeflateExtension deflate = watchedDeflate;
        if (connection.hasFinished() || deflate == null) {
            return;
        }
        if (deflate.compressedSinceLastLook()) {
            compressionIdle = loop().schedule(this::checkCompressionIdle, config.compressionIdleRelease().toNanos());
        } else {
            deflate.releaseIdle();
            watchedDeflate = null;
        }
    }

    private void keepalive() {
        if (connection.hasFinished() || !connection.isOpen()) {
            return;
        }
        if (pingSentNanos == 0) {
            long now = System.nanoTime();
            if (connection.sendKeepalivePing(ByteBuffer.allocate(8).putLong(0, now))) {
                pingSentNanos = now;
                pong = loop().schedule(this::pongTimedOut, config.pongTimeout().toNanos());
            }
        }
        ping = loop().schedule(this::keepalive, config.pingInterval().toNanos());
    }

    private void pongTimedOut() {
        if (connection.hasFinished() || pingSentNanos == 0) {
            return;
        }
        if (connection.readsHeld()) {
            // The pong may be waiting unread behind the pause: look again later.
            pong = loop().schedule(this::pongTimedOut, config.pongTimeout().toNanos());
            return;
        }
        connection.closeWith(CloseCodes.WS_INTERNAL_SERVER_ERROR, "Keepalive timeout.", CloseCause.PONG_TIMEOUT);
    }

    /** A pong arrived: the round trip of the pending keepalive ping in nanoseconds, or -1 when none is pending. */
    long pongArrived() {
        if (pingSentNanos == 0) {
            return -1;
        }
        long rtt = System.nanoTime() - pingSentNanos;
        pingSentNanos = 0;
        roundTripNanos = Math.max(1, rtt);
        if (pong != null) {
            pong.cancel();
            pong = null;
        }
        return rtt;
    }

    /** The close handshake began: the connection ends after the close timeout at the latest. */
    void armClose() {
        if (close == null) {
            close = loop().schedule(connection::closeTimedOut, config.closeTimeout().toNanos());
        }
    }

    /** Arms a task the application scheduled. */
    void add(ConnectionTask task, long delayNanos) {
        if (tasks == null) {
            tasks = new ArrayList<>(2);
        }
        tasks.add(task);
        task.arm(loop(), delayNanos);
    }

    /** A scheduled task ran or was cancelled: no reference is kept. */
    void remove(ConnectionTask task) {
        if (tasks != null) {
            tasks.remove(task);
        }
    }

    /** The connection ended: nothing fires any more, and nothing the application scheduled runs. */
    void cancelAll() {
        for (EventLoop.Timer t : new EventLoop.Timer[] {idle, ping, pong, close, lifetime}) {
            if (t != null) {
                t.cancel();
            }
        }
        if (tasks != null) {
            // cancelling drops each from the list
            for (ConnectionTask t : tasks.toArray(new ConnectionTask[0])) {
                t.cancelForClose();
            }
        }
    }
}
