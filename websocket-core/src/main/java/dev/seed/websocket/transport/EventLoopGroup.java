package dev.seed.websocket.transport;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/** A fixed set of event loops; connections are spread over them round robin. Thread safe. */
public final class EventLoopGroup implements AutoCloseable {

    private final List<EventLoop> loops;
    private final AtomicInteger next = new AtomicInteger();

    /**
     * @param size number of loops; 0 means one per available processor
     * @param namePrefix thread name prefix, each loop adds its index
     */
    public EventLoopGroup(int size, String namePrefix) {
        int n = size > 0 ? size : Runtime.getRuntime().availableProcessors();
        this.loops = IntStream.range(0, n).mapToObj(i -> new EventLoop(namePrefix + "-" + i)).toList();
    }

    /** The next loop, round robin. */
    public EventLoop next() {
        return loops.get(Math.floorMod(next.getAndIncrement(), loops.size()));
    }

    /** All loops. */
    public List<EventLoop> loops() {
        return loops;
    }

    /** Stops every loop and waits up to {@code timeout} for their threads to end. */
    public void shutdown(Duration timeout) {
        loops.forEach(EventLoop::close);
        CompletableFuture<?>[] all = loops.stream().map(EventLoop::terminationFuture).toArray(CompletableFuture[]::new);
        boolean inOwnLoop = loops.stream().anyMatch(EventLoop::inLoop);
        if (inOwnLoop) {
            return;
        }
        try {
            CompletableFuture.allOf(all).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            // loops that do not stop in time are daemon-like: nothing else to release
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(5));
    }
}
