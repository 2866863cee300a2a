package dev.seed.websocket;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Executors for handlers that block. On a JVM with virtual threads (Java 21+) a virtual thread
 * per task; on older JVMs a cached pool of daemon platform threads. Events of one connection
 * stay in order whatever the executor (the connection serialises them).
 */
public final class HandlerExecutors {

    private HandlerExecutors() {
    }

    /** Whether this JVM has virtual threads. */
    public static boolean virtualThreadsAvailable() {
        return virtualFactory() != null;
    }

    /**
     * A new executor for blocking handlers: virtual threads when the JVM has them, else a cached
     * pool of daemon threads named {@code websocket-handler-N}. The caller shuts it down.
     */
    public static ExecutorService newBlockingHandlerExecutor() {
        Method factory = virtualFactory();
        if (factory != null) {
            try {
                return (ExecutorService) factory.invoke(null);
            } catch (ReflectiveOperationException e) {
                // fall through to platform threads
            }
        }
        AtomicInteger n = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "websocket-handler-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        return Executors.newCachedThreadPool(threads);
    }

    private static Method virtualFactory() {
        try {
            return Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
