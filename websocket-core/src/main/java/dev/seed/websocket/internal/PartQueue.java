package dev.seed.websocket.internal;

import dev.seed.websocket.CloseCause;
import dev.seed.websocket.WebSocketConnection;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;

/**
 * The parts of one incoming message between the thread that receives them (the handler) and
 * the thread that reads them (a blocking stream), with the connection's inbound flow control:
 * past {@code window} units waiting, the queue holds the connection's reading; once the reader has
 * taken them down to half, it lets go. A queue made {@linkplain #PartQueue(WebSocketConnection,
 * long, boolean) waiting for its reader} holds reading from its first part until the reader
 * starts: messages queued behind a reader that is still busy do not pile up.
 *
 * <p>The hold is applied on the connection's loop from the queue's state at that moment (see
 * {@link WsConnection#holdReading}), so a wish that arrives late never overrides a newer one, and
 * holds of several queues do not undo each other or the application's own pause. What still
 * arrives once held is bounded: the rest of the event being delivered (inflation stops at a
 * pause). Thread safe.
 *
 * @param <P> a part: a byte[] or a String
 */
public final class PartQueue<P> {

    private final WebSocketConnection connection;
    private final long window;
    private final ArrayDeque<P> parts = new ArrayDeque<>();
    /** Units of the parts waiting. Guarded by this. */
    private long waiting;
    /** Whether the last part arrived. Guarded by this. */
    private boolean complete;
    /** Why no more parts will come, or null. Guarded by this. */
    private IOException failure;
    /** Whether a reader takes parts yet. Guarded by this. */
    private boolean readerStarted;
    /** Whether this queue wants the connection's reading held. Guarded by this. */
    private boolean holding;

    /** A queue whose reader starts at once. */
    public PartQueue(WebSocketConnection connection, long window) {
        this(connection, window, false);
    }

    /**
     * @param waitForReader whether the reader starts later ({@link #readerStarted()}): until it does,
     *     the queue holds reading from its first part on
     */
    public PartQueue(WebSocketConnection connection, long window, boolean waitForReader) {
        this.connection = connection;
        this.window = window;
        this.readerStarted = !waitForReader;
    }

    /** Adds a part of {@code size} units (the caller's copy); {@code last} ends the message. */
    public void offer(P part, long size, boolean last) {
        boolean changed;
        synchronized (this) {
            if (complete || failure != null) {
                return;
            }
            if (size > 0) {
                parts.add(part);
                waiting += size;
            }
            complete = last;
            changed = updateHold();
            notifyAll();
        }
        if (changed) {
            applyHold();
        }
    }

    /** The reader of a queue made waiting for it has started. */
    public void readerStarted() {
        boolean changed;
        synchronized (this) {
            readerStarted = true;
            changed = updateHold();
        }
        if (changed) {
            applyHold();
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
            holding = false;
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
        boolean changed;
        synchronized (this) {
            waiting -= size;
            changed = updateHold();
        }
        if (changed) {
            applyHold();
        }
    }

    /** The reader closed its stream before the end: later parts are dropped, reading goes on. */
    public void abandon() {
        boolean changed;
        synchronized (this) {
            parts.clear();
            waiting = 0;
            complete = true;
            readerStarted = true;
            changed = updateHold();
        }
        if (changed) {
            applyHold();
        }
    }

    /** Works out whether to hold reading (with hysteresis); returns whether that changed. Holds the lock. */
    private boolean updateHold() {
        boolean wanted;
        if (!readerStarted) {
            wanted = true;
        } else if (holding) {
            wanted = waiting > window / 2;
        } else {
            wanted = waiting > window;
        }
        if (complete && waiting == 0) {
            wanted = false;
        }
        boolean changed = wanted != holding;
        holding = wanted;
        return changed;
    }

    private synchronized boolean holding() {
        return holding;
    }

    private void applyHold() {
        if (connection instanceof WsConnection w) {
            w.holdReading(this, this::holding);
        } else if (holding()) {
            connection.pauseReading();
        } else {
            connection.resumeReading();
        }
    }
}
