package dev.seed.websocket.transport;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the {@link javax.net.ssl.SSLEngine}'s delegated tasks (key exchange, signatures, certificate
 * checks: milliseconds of CPU, and whatever a key or trust manager does) off the event loops, so
 * that one TLS handshake never stalls the other connections of its loop. One pool for the process:
 * as many threads as cores, which the handshakes of every server and client share; idle threads
 * end after a minute. Thread safe.
 */
final class TlsTasks {

    private static final AtomicInteger THREADS = new AtomicInteger();

    private static final ThreadPoolExecutor POOL = pool();

    private TlsTasks() {
    }

    private static ThreadPoolExecutor pool() {
        int n = Math.max(2, Runtime.getRuntime().availableProcessors());
        ThreadPoolExecutor p = new ThreadPoolExecutor(n, n, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "websocket-tls-task-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        p.allowCoreThreadTimeOut(true);
        return p;
    }

    /** The executor for delegated tasks. */
    static Executor executor() {
        return POOL;
    }
}
