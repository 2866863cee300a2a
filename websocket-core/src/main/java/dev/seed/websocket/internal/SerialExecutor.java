package dev.seed.websocket.internal;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Runs tasks on a shared executor one at a time, in submission order: the events of one
 * connection never overlap nor reorder, whatever the executor. Thread safe.
 */
final class SerialExecutor implements Executor {

    private final Executor executor;
    /** Tasks waiting; guarded by this. */
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    /** Whether a drain is running or scheduled; guarded by this. */
    private boolean active;

    SerialExecutor(Executor executor) {
        this.executor = executor;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (this) {
            tasks.add(task);
            if (active) {
                return;
            }
            active = true;
        }
        try {
            executor.execute(this::drain);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Nothing will drain: hand the task back to the caller, who runs it another way.
            synchronized (this) {
                tasks.remove(task);
                active = false;
            }
            throw e;
        }
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (this) {
                next = tasks.poll();
                if (next == null) {
                    active = false;
                    return;
                }
            }
            next.run();
        }
    }
}
