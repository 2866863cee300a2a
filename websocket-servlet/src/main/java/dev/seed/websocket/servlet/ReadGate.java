package dev.seed.websocket.servlet;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When a container's reading thread, which hands each read to our loop, must stop, and who starts
 * it again. It stops while the connection has paused reading (inbound backpressure) and while
 * more than {@link #MAX_IN_FLIGHT} bytes it read wait for the loop (a flooding peer must not fill
 * the heap faster than the loop takes it in). A stopped reader has no container callback pending
 * (it stops before asking the container for more), so exactly one party must start it again:
 * the flag is claimed with compare-and-set by the reader's own re-check or by the loop's wake-up,
 * never both, never neither.
 */
final class ReadGate {

    /** Bytes read and not yet taken in by the loop, past which the reader stops. */
    static final long MAX_IN_FLIGHT = 256 * 1024;

    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicBoolean parked = new AtomicBoolean();
    private volatile boolean paused;
    /** Whether a backlog parks the reader too (else the reader waits it out: see {@link #backlogged}). */
    private final boolean parkOnBacklog;

    /**
     * {@code parkOnBacklog}: whether a backlog parks the reader like a pause (Jetty: asking for
     * more later is cheap) or the reader waits until the loop has caught up (Tomcat: reading
     * again from outside its callback can race with it).
     */
    ReadGate(boolean parkOnBacklog) {
        this.parkOnBacklog = parkOnBacklog;
    }

    /** Whether more than {@link #MAX_IN_FLIGHT} bytes wait for the loop. */
    boolean backlogged() {
        return inFlight.get() > MAX_IN_FLIGHT;
    }

    /**
     * Reader: whether it must stop now. True: it is parked and returns at once (a later
     * {@link #taken} or {@link #paused} says when to start it again). False: it may read on.
     */
    boolean park() {
        if (!mustStop()) {
            return false;
        }
        parked.set(true);
        // the loop may have changed its mind between the check and the flag: claim the wake-up back
        return mustStop() || !parked.compareAndSet(true, false);
    }

    /** Reader: {@code bytes} were read and handed to the loop. */
    void sent(int bytes) {
        inFlight.addAndGet(bytes);
    }

    /** Loop: {@code bytes} were taken in. True: the reader was parked and must be started again now. */
    boolean taken(int bytes) {
        inFlight.addAndGet(-bytes);
        return wake();
    }

    /** Loop: the connection paused or resumed reading. True: the reader must be started again now. */
    boolean paused(boolean pause) {
        paused = pause;
        return !pause && wake();
    }

    private boolean wake() {
        return !mustStop() && parked.compareAndSet(true, false);
    }

    private boolean mustStop() {
        return paused || parkOnBacklog && backlogged();
    }
}
