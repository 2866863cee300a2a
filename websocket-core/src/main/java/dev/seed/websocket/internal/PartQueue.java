package dev.seed.websocket.internal;

import dev.seed.websocket.CloseCause;
import dev.seed.websocket.WebSocketConnection;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;

/**
 * The parts of one incoming message between the thread that receives them (the handler) and
 * the thread that reads them (a blocking stream), with the connection's inbound flow control:
 * past {@code window} bytes waiting, the connection stops reading; once the reader has taken
 * them down to half, it reads again. What still arrives after the pause is bounded: the rest of
 * the chunk being delivered (at most one read; inflation stops at the pause) and, with a handler
 * executor, the events already handed to it (bounded by the backpressure limit). Thread safe.
 *
 * @param <P> a part: a byte[] or a String
 */
public final class PartQueue<P> {

    private final WebSocketConnection connection;
    private final long window;
    private final ArrayDeque<P> parts = new ArrayDeque<>();
    /** Bytes (or chars) of the parts waiting. Guarded by this. */
    private long waiting;
    /** Whether the last part arrived. Guarded by this. */
    private boolean complete;
    /** Why no more parts will come, or null. Guarded by this. */
    private IOException failure;
    /** Whether this queue paused the connection. Guarded by this. */
    private boolean pausedByUs;

    public PartQueue(WebSocketConnection connection, long window) {
        this.connection = connection;
        this.window = window;
    }

    /** Adds a part of {@code size} units (the caller's copy); {@code last} ends the message. */
    public void offer(P part, long size, boolean last) {
        boolean pause = false;
        synchronized (this) {
            if (complete || failure != null) {
                return;
            }
            if (size > 0) {
                parts.add(part);
                waiting += size;
            }
            complete = last;
            if (waiting > window && !pausedByUs) {
                pausedByUs = true;
                pause = true;
            }
            notifyAll();
        }
        if (pause) {
            connection.pauseReading();
        }
    }

    /** No more parts will come: the connection ended before the last one. */
    public void fail(CloseCause cause) {
        synchronized (this) {
            if (complete || failure != null) {
                return;
            }
            failure = new IOException("The connection ended before the end of the message"
                    + (cause == null ? "." : " (" + cause + ")."));
            notifyAll();
        }
    }

    /**
     * The next part, waiting for it; null at the end of the message. Throws IOException when the
     * connection ended before the end.
     */
    public P take() throws IOException {
        synchronized (this) {
            while (parts.isEmpty() && !complete && failure == null) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("Interrupted while waiting for the message.");
                }
            }
            if (parts.isEmpty()) {
                if (failure != null) {
                    throw failure;
                }
                return null;
            }
            return parts.poll();
        }
    }

    /** The reader consumed {@code size} units of a part it took. */
    public void consumed(long size) {
        boolean resume = false;
        synchronized (this) {
            waiting -= size;
            if (pausedByUs && waiting <= window / 2) {
                pausedByUs = false;
                resume = true;
            }
        }
        if (resume) {
            connection.resumeReading();
        }
    }

    /** The reader closed its stream before the end: later parts are dropped, reading goes on. */
    public void abandon() {
        boolean resume;
        synchronized (this) {
            parts.clear();
            waiting = 0;
            complete = true;
            resume = pausedByUs;
            pausedByUs = false;
        }
        if (resume) {
            connection.resumeReading();
        }
    }
}
