package dev.seed.websocket.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the sends of one fan-out that succeed: completes with that count once every send added
 * has completed and {@link #done()} was called. Thread safe.
 */
final class DeliveryCount {

    private final CompletableFuture<Integer> result = new CompletableFuture<>();
    /** Sends not yet completed, plus one until done() is called. */
    private final AtomicInteger pending = new AtomicInteger(1);
    private final AtomicInteger delivered = new AtomicInteger();

    void add(CompletableFuture<Void> send) {
        pending.incrementAndGet();
        send.whenComplete((v, e) -> {
            if (e == null) {
                delivered.incrementAndGet();
            }
            arrive();
        });
    }

    /** No more sends will be added. */
    CompletableFuture<Integer> done() {
        arrive();
        return result;
    }

    private void arrive() {
        if (pending.decrementAndGet() == 0) {
            result.complete(delivered.get());
        }
    }
}
