package dev.seed.websocket.spring.it;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polling for effects that happen on another thread. */
final class Await {

    private Await() {
    }

    /** Waits up to 10 s for {@code condition}; fails with {@code what} when it never holds. */
    static void until(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }
}
