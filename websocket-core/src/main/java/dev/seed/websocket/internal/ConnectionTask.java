package dev.seed.websocket.internal;

import dev.seed.websocket.ScheduledTask;
import dev.seed.websocket.transport.EventLoop;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A task an application scheduled on a connection: a timer on the connection's loop that runs
 * the task unless it was cancelled or the connection ended first (the connection cancels what is
 * left when it finishes, so a long delay keeps nothing alive). Once it ran or was cancelled it
 * lets go of the task, as {@code FutureTask} does: a handle the application keeps holds nothing
 * the task captured. Thread safe.
 */
final class ConnectionTask implements ScheduledTask, Runnable {

    private static final int PENDING = 0;
    private static final int RAN = 1;
    private static final int CANCELLED = 2;

    private final WsConnection connection;
    /** What the application asked to run; null once it ran or was cancelled. The loop's after construction. */
    private Runnable task;
    private final AtomicInteger state = new AtomicInteger(PENDING);
    /** The loop timer; set on the loop when scheduled, read there only. */
    private EventLoop.Timer timer;

    ConnectionTask(WsConnection connection, Runnable task) {
        this.connection = connection;
        this.task = task;
    }

    /** Arms the timer, unless cancelled before the loop got to it. On the connection's loop. */
    void arm(EventLoop loop, long delayNanos) {
        if (state.get() == PENDING) {
            timer = loop.schedule(this, delayNanos);
        }
    }

    /** The timer fired: runs the task unless cancelled. On the loop. */
    @Override
    public void run() {
        if (state.compareAndSet(PENDING, RAN)) {
            Runnable t = task;
            task = null;
            connection.runScheduled(this, t);
        }
    }

    @Override
    public boolean cancel() {
        if (!state.compareAndSet(PENDING, CANCELLED)) {
            return false;
        }
        try {
            connection.loop().run(this::released);
        } catch (RejectedExecutionException stopped) {
            // the loop is gone and its timers with it
        }
        return true;
    }

    /** The connection ended: the task will not run. On the loop. */
    void cancelForClose() {
        if (state.compareAndSet(PENDING, CANCELLED)) {
            released();
        }
    }

    /** Drops the task, the timer and the connection's reference. On the loop. */
    private void released() {
        task = null;
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        connection.forgetScheduled(this);
    }

    /**
     * Marks a task that could not be scheduled (connection ended, loop stopped) as cancelled. On
     * the loop, or on the scheduling thread before the task was handed to the loop.
     */
    ConnectionTask cancelled() {
        state.set(CANCELLED);
        task = null;
        return this;
    }

    @Override
    public boolean isCancelled() {
        return state.get() == CANCELLED;
    }

    @Override
    public boolean isDone() {
        return state.get() != PENDING;
    }
}
