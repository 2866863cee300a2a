package dev.seed.websocket.redis;

import dev.seed.websocket.cluster.HistoryPolicy;
import java.time.Duration;

/**
 * An instance in a JVM of its own, for the crash tests: {@code InstanceMain <redis-port> <id>
 * <presence-ttl-ms>} starts it and prints {@code port <n>} once it listens; it runs until killed.
 */
public final class InstanceMain {

    private InstanceMain() {
    }

    public static void main(String[] args) throws Exception {
        RedisServer redis = RedisServer.attach(Integer.parseInt(args[0]));
        Instance i = new Instance(redis, args[1], HistoryPolicy.none(), Duration.ofMillis(Long.parseLong(args[2]))).start();
        System.out.println("port " + i.server.port());
        System.out.flush();
        // bounded: a test kills it long before
        Thread.sleep(120_000);
        i.close();
    }
}
