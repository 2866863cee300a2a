package dev.seed.websocket.hostile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * What the hostile tests measure about the JVM they run in: open file descriptors (Linux
 * {@code /proc/self/fd}) and the bytes allocated by the server's event loop threads.
 */
public final class Resources {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Resources() {
    }

    /** Open file descriptors of this process: sockets, selectors, files. */
    public static int openFileDescriptors() {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            throw new IllegalStateException("/proc/self/fd is missing: these tests count descriptors on Linux");
        }
        try (Stream<Path> list = Files.list(fds)) {
            return (int) list.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Fails, saying what to do, unless this process may open at least {@code needed} files (the
     * soft limit in /proc/self/limits): tests that hold thousands of sockets, both ends in this
     * JVM, need more than the common default of 1024.
     */
    public static void requireOpenFileLimit(int needed) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    if (!soft.equals("unlimited") && Long.parseLong(soft) < needed) {
                        throw new IllegalStateException("This test needs " + needed + " open files but the limit is "
                                + soft + ": bin/test raises the soft limit to the hard one (ulimit -n); raise the "
                                + "hard limit (ulimit -Hn, or LimitNOFILE for a service) to at least " + needed);
                    }
                    return;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("/proc/self/limits is missing: these tests count descriptors on Linux", e);
        }
    }

    /**
     * Waits up to {@code millis} for the descriptor count to come back to at most
     * {@code baseline + slack}; returns the last count. Closing is asynchronous (the loop closes a
     * socket on its own thread), so a test waits for it rather than sleeping a fixed time.
     */
    public static int awaitFileDescriptorsAtMost(int limit, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        int n = openFileDescriptors();
        while (n > limit && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
            n = openFileDescriptors();
        }
        return n;
    }

    /** Bytes allocated so far by every live thread whose name starts with {@code prefix}. */
    public static long allocatedByThreads(String prefix) {
        long total = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix)) {
                long n = THREADS.getThreadAllocatedBytes(t.getId());
                if (n > 0) {
                    total += n;
                }
            }
        }
        return total;
    }

    /** Bytes allocated so far by the threads of servers: their event loops. */
    public static long allocatedByServerLoops() {
        return allocatedByThreads("websocket-server");
    }

    /** Waits up to {@code millis} for {@code condition}; returns whether it held. */
    public static boolean await(BooleanSupplier condition, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() >= deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** Heap in use after a full collection, in bytes. */
    public static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
