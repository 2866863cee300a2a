package dev.seed.websocket.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One NIO selector thread. Every channel registered here is touched by this thread only; other
 * threads hand work over with {@link #execute}. Timers are kept in a heap on the loop thread.
 *
 * <p>The loop owns one direct read buffer shared by all its channels: reads are synchronous, so
 * an idle connection holds no read buffer at all. What a handler is given from that buffer is
 * lent for the duration of the call ({@link #lending()}).
 *
 * <p>Once stopped, the loop refuses new tasks with {@link RejectedExecutionException}: work
 * handed to a stopped loop would never run, and the futures waiting on it would never complete.
 * Tasks that were queued before the stop still run, after every channel was closed, so that they
 * fail their futures instead of forgetting them.
 */
public final class EventLoop implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EventLoop.class.getName());
    private static final java.lang.invoke.VarHandle TURNS;

    static {
        try {
            TURNS = java.lang.invoke.MethodHandles.lookup().findVarHandle(EventLoop.class, "turns", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Size of the loop's shared read buffer: large enough for a full TLS record. */
    public static final int READ_BUFFER_SIZE = 64 * 1024;

    private final Selector selector;
    private final Thread thread;
    /** Tasks from any thread, run in order on the loop thread. */
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Work to run after this turn's I/O and tasks; loop thread only. */
    private final java.util.ArrayDeque<Runnable> afterTurn = new java.util.ArrayDeque<>();
    /** Transports to flush after this turn's I/O and tasks (batched writes); loop thread only. */
    private final java.util.ArrayList<SocketTransport> flushes = new java.util.ArrayList<>();
    /** Timers; touched by the loop thread only. */
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    /** Whether the loop is (about to be) blocked in select and needs a wakeup for new tasks. */
    private final AtomicBoolean sleeping = new AtomicBoolean();
    private final AtomicLong timerSequence = new AtomicLong();
    /** Shared read buffer; touched by the loop thread only. */
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_SIZE);
    /** Shared scratch buffer for TLS plaintext; touched by the loop thread only. */
    private ByteBuffer plainBuffer;
    /** Shared scratch array for gathering writes; touched by the loop thread only. */
    private ByteBuffer[] gatherArray;
    /** Direct scratch buffer for TLS records being written; touched by the loop thread only. */
    private ByteBuffer netOutBuffer;
    /** Handler calls in progress on this thread that were lent loop-owned buffers. Loop thread only. */
    private int lending;
    /**
     * Turns of the loop so far (each select and what follows it). Written by the loop thread only,
     * with opaque access (see {@link #TURNS}): readers see it eventually, the loop pays no fence.
     */
    private long turns;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private volatile boolean running = true;
    /** Set once the loop stops taking tasks; {@link #execute} refuses from then on. */
    private volatile boolean stopped;

    public EventLoop(String name) {
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open a selector", e);
        }
        this.thread = new LoopThread(this, name);
        this.thread.setDaemon(false);
        this.thread.start();
    }

    /** Whether the calling thread is this loop's thread. */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** The loop whose thread is the calling thread, or null when called from another thread. */
    public static EventLoop current() {
        return Thread.currentThread() instanceof LoopThread t ? t.loop : null;
    }

    /**
     * Runs {@code task} on the loop thread, in submission order. Throws
     * {@link RejectedExecutionException} once the loop has stopped.
     */
    public void execute(Runnable task) {
        tasks.add(task);
        // Checked after adding: either the loop's final drain sees the task and runs it, or the
        // stop came first and the task is taken back here (see run()).
        if (stopped && tasks.remove(task)) {
            throw new RejectedExecutionException("Event loop " + thread.getName() + " has stopped.");
        }
        if (!inLoop() && sleeping.compareAndSet(true, false)) {
            selector.wakeup();
        }
    }

    /** Whether the loop has stopped taking tasks. */
    public boolean isStopped() {
        return stopped;
    }

    /** Runs {@code task} now when called on the loop thread, else hands it over. */
    public void run(Runnable task) {
        if (inLoop()) {
            task.run();
        } else {
            execute(task);
        }
    }

    /**
     * Schedules {@code task} after {@code delayNanos} on the loop thread. Must be called on the
     * loop thread (use {@link #execute} first otherwise). The returned timer can be cancelled.
     */
    public Timer schedule(Runnable task, long delayNanos) {
        assert inLoop();
        Timer t = new Timer(System.nanoTime() + Math.max(0, delayNanos), timerSequence.incrementAndGet(), task);
        timers.add(t);
        return t;
    }

    /** Schedules from any thread; the timer is created on the loop. */
    public void scheduleFromAnyThread(Runnable task, long delayNanos) {
        run(() -> schedule(task, delayNanos));
    }

    /** Registers a channel for {@code ops} with {@code handler} as attachment (loop thread only). */
    public SelectionKey register(SelectableChannel channel, int ops, IoHandler handler) throws IOException {
        assert inLoop();
        channel.configureBlocking(false);
        return channel.register(selector, ops, handler);
    }

    /** The shared read buffer, cleared. Loop thread only. */
    ByteBuffer readBuffer() {
        readBuffer.clear();
        return readBuffer;
    }

    /** A shared plaintext scratch buffer of at least {@code size} bytes, cleared. Loop thread only. */
    ByteBuffer plainBuffer(int size) {
        if (plainBuffer == null || plainBuffer.capacity() < size) {
            plainBuffer = ByteBuffer.allocateDirect(Math.max(size, READ_BUFFER_SIZE));
        }
        plainBuffer.clear();
        return plainBuffer;
    }

    /**
     * A shared direct buffer of at least {@code size} bytes to wrap TLS records into, cleared.
     * What is not written to the socket within the caller's turn must be copied out of it.
     * Loop thread only.
     */
    ByteBuffer netOutBuffer(int size) {
        if (netOutBuffer == null || netOutBuffer.capacity() < size) {
            netOutBuffer = ByteBuffer.allocateDirect(Math.max(size, READ_BUFFER_SIZE)); // room for several records
        }
        netOutBuffer.clear();
        return netOutBuffer;
    }

    /**
     * A handler call that is given buffers owned by this loop (slices of its read buffer) begins:
     * until the matching {@link #endLending()}, {@link #lending()} is true on this thread. Loop
     * thread only; no allocation (it brackets every message delivered on the loop).
     */
    public void beginLending() {
        lending++;
    }

    /** The lending call begun by {@link #beginLending()} has returned. Loop thread only. */
    public void endLending() {
        lending--;
    }

    /**
     * Whether the calling thread is inside a handler call that was lent loop-owned buffers (see
     * {@link #beginLending}). A direct buffer passed on from there (sent, broadcast, published) may be
     * one of them and must be copied before it outlives the call.
     */
    public static boolean lending() {
        EventLoop loop = current();
        return loop != null && loop.lending > 0;
    }

    /** Turns of the loop so far: a loop with nothing to do barely counts up; a spinning one races. */
    public long turns() {
        return (long) TURNS.getOpaque(this);
    }

    /**
     * A shared array of at least {@code size} slots for gathering writes; the caller leaves it
     * all null when done. Loop thread only.
     */
    ByteBuffer[] gatherArray(int size) {
        if (gatherArray == null || gatherArray.length < size) {
            gatherArray = new ByteBuffer[size];
        }
        return gatherArray;
    }

    /** Number of channels registered with this loop. */
    public int registeredChannels() {
        try {
            return selector.keys().size();
        } catch (ClosedSelectorException e) {
            return 0;
        }
    }

    private void run() {
        try {
            while (running) {
                TURNS.setOpaque(this, turns + 1);
                long timeoutMillis = nextTimeoutMillis();
                int selected;
                if (!tasks.isEmpty() || !afterTurn.isEmpty() || !flushes.isEmpty() || timeoutMillis == 0) {
                    selected = selector.selectNow();
                } else {
                    sleeping.set(true);
                    if (!tasks.isEmpty()) {
                        sleeping.set(false);
                        selected = selector.selectNow();
                    } else {
                        selected = selector.select(timeoutMillis < 0 ? 0 : timeoutMillis);
                        sleeping.set(false);
                    }
                }
                if (selected > 0) {
                    processSelected();
                }
                runTasks();
                runTimers();
                runAfterTurn();
            }
        } catch (Throwable t) {
            LOG.log(Level.ERROR, "event loop " + thread.getName() + " stopped by an unexpected error", t);
        } finally {
            stopped = true;
            closeAll();
            drainAfterStop();
            terminated.complete(null);
        }
    }

    /**
     * Runs what was queued before the stop: every channel is closed by now, so sends fail their
     * futures and closes complete, rather than waiting forever.
     */
    private void drainAfterStop() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            safeRun(task);
        }
        runAfterTurn();
        timers.clear();
    }

    private void processSelected() {
        var keys = selector.selectedKeys();
        var it = keys.iterator();
        while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            IoHandler handler = (IoHandler) key.attachment();
            try {
                if (!key.isValid()) {
                    continue;
                }
                int ready = key.readyOps();
                handler.onReady(key, ready);
            } catch (CancelledKeyException e) {
                // the channel closed while being processed
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "I/O handler failed; closing its channel", t);
                handler.onError(t);
            }
        }
    }

    private void runTasks() {
        // Bounded: tasks added while running wait for the next turn, so I/O is never starved.
        int n = tasks.size();
        for (int i = 0; i < n; i++) {
            Runnable task = tasks.poll();
            if (task == null) {
                break;
            }
            safeRun(task);
        }
    }

    /** Runs {@code task} once this turn's I/O, tasks and timers are done. Loop thread only. */
    public void afterTurn(Runnable task) {
        assert inLoop();
        afterTurn.add(task);
    }

    private void runAfterTurn() {
        Runnable task;
        while ((task = afterTurn.poll()) != null) {
            safeRun(task);
        }
        // By index: a flush that closes its transport may run handlers that schedule more.
        for (int i = 0; i < flushes.size(); i++) {
            SocketTransport t = flushes.get(i);
            try {
                t.scheduledFlush();
            } catch (Throwable e) {
                LOG.log(Level.WARNING, "flush on the event loop failed", e);
            }
        }
        flushes.clear();
    }

    /** Flushes {@code transport} once this turn's I/O, tasks and timers are done. Loop thread only. */
    void flushAfterTurn(SocketTransport transport) {
        flushes.add(transport);
    }

    private void runTimers() {
        long now = System.nanoTime();
        Timer t;
        while ((t = timers.peek()) != null && t.deadline - now <= 0) {
            timers.poll();
            if (!t.cancelled) {
                safeRun(t.task);
            }
        }
    }

    private static void safeRun(Runnable task) {
        try {
            task.run();
        } catch (Throwable e) {
            LOG.log(Level.WARNING, "task on the event loop failed", e);
        }
    }

    private long nextTimeoutMillis() {
        Timer t;
        while ((t = timers.peek()) != null && t.cancelled) {
            timers.poll();
        }
        if (t == null) {
            return -1;
        }
        long nanos = t.deadline - System.nanoTime();
        if (nanos <= 0) {
            return 0;
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
    }

    private void closeAll() {
        try {
            for (SelectionKey key : selector.keys()) {
                Object a = key.attachment();
                if (a instanceof IoHandler h) {
                    try {
                        h.onError(new IOException("Event loop stopped"));
                    } catch (Throwable ignored) {
                        // closing anyway
                    }
                }
                try {
                    key.channel().close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            selector.close();
        } catch (IOException | ClosedSelectorException e) {
            LOG.log(Level.DEBUG, "closing selector", e);
        }
    }

    /** Stops the loop: channels still registered are closed. */
    @Override
    public void close() {
        if (stopped) {
            return;
        }
        try {
            execute(() -> running = false);
        } catch (RejectedExecutionException e) {
            return; // stopped meanwhile
        }
        if (!inLoop()) {
            selector.wakeup();
        }
    }

    /** Completes when the loop thread has ended. */
    public CompletableFuture<Void> terminationFuture() {
        return terminated;
    }

    /** The loop thread's name. */
    public String name() {
        return thread.getName();
    }

    /** The loop's thread: lets {@link #current()} find the loop without a thread-local. */
    private static final class LoopThread extends Thread {
        final EventLoop loop;

        LoopThread(EventLoop loop, String name) {
            super(loop::run, name);
            this.loop = loop;
        }
    }

    /** Receives readiness events of a registered channel, on the loop thread. */
    public interface IoHandler {
        void onReady(SelectionKey key, int readyOps) throws IOException;

        /** An unexpected error in {@link #onReady}: release the channel. */
        void onError(Throwable error);
    }

    /** A scheduled task; cancel is loop-thread only. */
    public static final class Timer implements Comparable<Timer> {
        private final long deadline;
        private final long sequence;
        /** Null once cancelled: a cancelled timer waiting in the heap keeps nothing alive. */
        private Runnable task;
        private boolean cancelled;

        private Timer(long deadline, long sequence, Runnable task) {
            this.deadline = deadline;
            this.sequence = sequence;
            this.task = task;
        }

        public void cancel() {
            cancelled = true;
            task = null;
        }

        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(deadline - o.deadline, 0);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }
}
