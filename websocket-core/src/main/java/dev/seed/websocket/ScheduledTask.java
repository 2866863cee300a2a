package dev.seed.websocket;

/**
 * A task scheduled on a connection's event loop ({@link WebSocketConnection#schedule}). It runs
 * at most once, never after its connection has ended. Once it ran or was cancelled the handle
 * no longer refers to the task, so keeping the handle keeps nothing the task captured. Thread
 * safe.
 */
public interface ScheduledTask {

    /**
     * Cancels the task; true when this call kept it from running (it had neither run nor been
     * cancelled). From any thread.
     */
    boolean cancel();

    /** Whether the task was cancelled, by {@link #cancel()} or because its connection ended first. */
    boolean isCancelled();

    /** Whether the task ran or was cancelled: it will not run any more. */
    boolean isDone();
}
