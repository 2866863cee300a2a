package dev.seed.websocket.spring.autoconfigure;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.task.SimpleAsyncTaskExecutorBuilder;
import org.springframework.boot.task.ThreadPoolTaskExecutorBuilder;
import org.springframework.core.env.Environment;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Where the handlers of a server or client run, as {@code websocket.*.handler-executor} says:
 * {@value #LOOP} (the event loop: no executor), {@value #VIRTUAL} (a virtual thread per task, Java
 * 21+), {@value #POOL} (a fixed thread pool) or the name of an {@link java.util.concurrent.Executor}
 * bean. Shuts down on {@link #close()} only what it made itself, never a bean of the application.
 */
public final class WebSocketHandlerExecutor implements AutoCloseable {

    /** Handlers run on the connection's event loop (the default). */
    public static final String LOOP = "loop";
    /** Handlers run on virtual threads (Java 21+). */
    public static final String VIRTUAL = "virtual";
    /** Handlers run on a fixed pool of platform threads. */
    public static final String POOL = "pool";

    private static final Duration TERMINATION_WAIT = Duration.ofSeconds(5);

    private final java.util.concurrent.Executor executor;
    /** What this made itself and stops on close: an ExecutorService or a Spring task executor; null when none. */
    private final Object owned;

    private WebSocketHandlerExecutor(java.util.concurrent.Executor executor, Object owned) {
        this.executor = executor;
        this.owned = owned;
    }

    /**
     * Resolves the setting; throws {@link InvalidConfigurationPropertyValueException} naming the
     * key when it names no Executor bean.
     *
     * @param side {@code server} or {@code client}, for the key and thread names
     */
    static WebSocketHandlerExecutor resolve(String side, WebSocketProperties.Endpoint properties,
            BeanFactory beanFactory) {
        return resolve(side, properties, beanFactory, null);
    }

    /**
     * As {@link #resolve(String, WebSocketProperties.Endpoint, BeanFactory)}; with
     * {@code spring.threads.virtual.enabled=true} in {@code environment} and no
     * {@code handler-executor} set, handlers run on virtual threads (Java 21+). Executors this
     * makes come from Boot's task executor builders when the context has them
     * ({@code SimpleAsyncTaskExecutorBuilder} for virtual threads, {@code ThreadPoolTaskExecutorBuilder}
     * for the pool), so the application's {@code TaskDecorator} (MDC, security or tracing context)
     * wraps every handler call. Order per connection is kept either way: a connection's calls go
     * through one serial queue, one after the other.
     */
    static WebSocketHandlerExecutor resolve(String side, WebSocketProperties.Endpoint properties,
            BeanFactory beanFactory, Environment environment) {
        String setting = properties.getHandlerExecutor();
        if (LOOP.equals(setting) && environment != null && virtualThreadsAvailable()
                && environment.getProperty("spring.threads.virtual.enabled", Boolean.class, false)
                && !environment.containsProperty("websocket." + side + ".handler-executor")) {
            setting = VIRTUAL; // the application runs on virtual threads: so do its handlers
        }
        if (LOOP.equals(setting)) {
            return new WebSocketHandlerExecutor(null, null);
        }
        String prefix = "websocket-" + side + "-handler-";
        if (VIRTUAL.equals(setting)) {
            SimpleAsyncTaskExecutorBuilder builder = beanFactory == null ? null
                    : beanFactory.getBeanProvider(SimpleAsyncTaskExecutorBuilder.class).getIfAvailable();
            if (builder != null) {
                // spring.task.execution.simple.* is for @Async: no limit here (a limit would block the
                // event loop that hands the task over), and running handlers are waited for on close
                SimpleAsyncTaskExecutor virtual = builder.virtualThreads(true).threadNamePrefix(prefix)
                        .concurrencyLimit(null).rejectTasksWhenLimitReached(false)
                        .taskTerminationTimeout(TERMINATION_WAIT).build();
                return new WebSocketHandlerExecutor(virtual, virtual);
            }
            ExecutorService virtual = newVirtualThreadPerTaskExecutor();
            return new WebSocketHandlerExecutor(virtual, virtual);
        }
        if (POOL.equals(setting)) {
            int size = properties.getHandlerPoolSize() > 0 ? properties.getHandlerPoolSize()
                    : Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
            ThreadPoolTaskExecutorBuilder builder = beanFactory == null ? null
                    : beanFactory.getBeanProvider(ThreadPoolTaskExecutorBuilder.class).getIfAvailable();
            if (builder != null) {
                // an unbounded queue, as the plain pool: a bounded one (spring.task.execution.pool.*,
                // meant for @Async) would refuse handler events; the backpressure limit bounds them
                ThreadPoolTaskExecutor pool = builder.corePoolSize(size).maxPoolSize(size).threadNamePrefix(prefix)
                        .queueCapacity(Integer.MAX_VALUE).build();
                pool.setDaemon(true);
                pool.initialize();
                return new WebSocketHandlerExecutor(pool, pool);
            }
            ExecutorService pool = Executors.newFixedThreadPool(size, threads(prefix));
            return new WebSocketHandlerExecutor(pool, pool);
        }
        try {
            return new WebSocketHandlerExecutor(beanFactory.getBean(setting, java.util.concurrent.Executor.class), null);
        } catch (NoSuchBeanDefinitionException e) {
            throw new InvalidConfigurationPropertyValueException("websocket." + side + ".handler-executor", setting,
                    "There is no Executor bean named '" + setting + "'; use loop, virtual, pool or the name of an"
                            + " Executor bean.");
        }
    }

    /** Whether this JVM has virtual threads (Java 21+). */
    static boolean virtualThreadsAvailable() {
        return virtualFactoryMethod() != null;
    }

    private static Method virtualFactoryMethod() {
        try {
            return Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static ExecutorService newVirtualThreadPerTaskExecutor() {
        Method factory = virtualFactoryMethod();
        if (factory == null) {
            // The properties validator refuses "virtual" before this on Java 17-20.
            throw new IllegalStateException("Virtual threads need Java 21 or later");
        }
        try {
            return (ExecutorService) factory.invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot create a virtual thread executor", e);
        }
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The executor for the builder, or null to run handlers on the event loop. */
    public java.util.concurrent.Executor executor() {
        return executor;
    }

    /** Stops the executor if this made it, waiting a little for running handlers. */
    @Override
    public void close() {
        if (owned instanceof ThreadPoolTaskExecutor pool) {
            pool.setWaitForTasksToCompleteOnShutdown(true);
            pool.setAwaitTerminationMillis(TERMINATION_WAIT.toMillis());
            pool.shutdown();
            return;
        }
        if (owned instanceof SimpleAsyncTaskExecutor simple) {
            simple.close();
            return;
        }
        if (!(owned instanceof ExecutorService service)) {
            return;
        }
        service.shutdown();
        try {
            if (!service.awaitTermination(TERMINATION_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                service.shutdownNow();
            }
        } catch (InterruptedException e) {
            service.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
