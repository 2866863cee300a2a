package dev.seed.websocket.internal;

import dev.seed.websocket.transport.Transport;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * Hands a connection's handler calls to the application's executor, one at a time and in order
 * (a {@link SerialExecutor}), and keeps the connection from reading faster than its handler
 * takes events: the events waiting are counted, and past the backpressure limit the connection
 * stops reading (TCP then slows the peer down) until the handler has caught up to half of it.
 * Exists only for connections whose endpoint has a handler executor. Thread safe.
 */
final class HandlerDispatcher {

    /** What a queued event costs beyond its payload (task, closure, copy header). */
    private static final int EVENT_OVERHEAD = 64;
    private static final AtomicLongFieldUpdater<HandlerDispatcher> WAITING =
            AtomicLongFieldUpdater.newUpdater(HandlerDispatcher.class, "waitingBytes");

    private final WsConnection connection;
    private final Transport transport;
    private final Executor executor;
    private final long limit;
    /** Bytes of events handed to the executor and not yet handled, {@link #EVENT_OVERHEAD} each included. */
    private volatile long waitingBytes;
    /** Whether the connection stopped reading because the handler fell behind. Written on the loop. */
    private volatile boolean readsPaused;

    HandlerDispatcher(WsConnection connection, Transport transport, Executor executor, long limit) {
        this.connection = connection;
        this.transport = transport;
        this.executor = new SerialExecutor(executor);
        this.limit = limit;
    }

    /** Hands {@code call} (an event of {@code payloadBytes}) to the executor. Loop thread only. */
    void dispatch(Runnable call, long payloadBytes) {
        long cost = payloadBytes + EVENT_OVERHEAD;
        if (WAITING.addAndGet(this, cost) > limit && !readsPaused) {
            readsPaused = true;
            connection.pauseFor(WsConnection.PAUSED_BY_BACKLOG);
        }
        Runnable counted = () -> {
            try {
                connection.runGuarded(call);
            } finally {
                long left = WAITING.addAndGet(this, -cost);
                if (readsPaused && left <= limit / 2) {
                    try {
                        transport.loop().execute(this::resumeReads);
                    } catch (RejectedExecutionException stopped) {
                        // the loop has stopped: nothing to resume
                    }
                }
            }
        };
        try {
            executor.execute(counted);
        } catch (RejectedExecutionException e) {
            // The application's executor is shut down: deliver on the loop rather than lose the event.
            counted.run();
        }
    }

    private void resumeReads() {
        if (readsPaused && waitingBytes <= limit / 2) {
            readsPaused = false;
            if (!connection.hasFinished()) {
                connection.resumeFor(WsConnection.PAUSED_BY_BACKLOG);
            }
        }
    }
}
