package dev.seed.websocket.redis;

import dev.seed.websocket.SubscribeOptions;
import dev.seed.websocket.SubscribeResult;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.cluster.ClusterListener;
import dev.seed.websocket.cluster.HistoryPolicy;
import dev.seed.websocket.cluster.PresenceEvent;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One server instance on a shared Redis, for tests. Its route {@code /t} subscribes each connection
 * to the topics of its {@code topic} query parameters (recoverable with {@code mode=r}, with
 * presence as {@code name}), gives it the user id of {@code user}; a text message sent to it is
 * published to its first topic (all but the sender with {@code except=1}).
 */
final class Instance implements AutoCloseable {

    final RedisEngine engine;
    final WebSocketServer server;
    final List<PresenceEvent> presence = new CopyOnWriteArrayList<>();
    final Map<String, CompletableFuture<SubscribeResult>> subscriptions = new ConcurrentHashMap<>();
    final AtomicInteger published = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger received = new AtomicInteger();
    final List<Boolean> states = new CopyOnWriteArrayList<>();

    Instance(RedisServer redis, String id, HistoryPolicy history, Duration presenceTtl) {
        engine = RedisEngine.builder(RedisURI.create(redis.uri())).history(history).presenceTtl(presenceTtl)
                .commandTimeout(Duration.ofSeconds(2)).build();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).instanceId(id)
                .broker(engine.broker()).presence(engine.presence())
                .onPresence(presence::add)
                .clusterListener(new ClusterListener() {
                    @Override
                    public void published() {
                        published.incrementAndGet();
                    }

                    @Override
                    public void publishFailed(Throwable cause) {
                        failed.incrementAndGet();
                    }

                    @Override
                    public void received(long lagMicros) {
                        received.incrementAndGet();
                    }

                    @Override
                    public void connectionChanged(boolean connected) {
                        states.add(connected);
                    }
                })
                .interceptor((request, response) -> {
                    List<String> user = request.queryParameters().get("user");
                    if (user != null) {
                        response.userId(user.get(0));
                    }
                })
                .route("/t", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocketConnection c) {
                        c.sendText("ready " + c.id());
                        Map<String, List<String>> q = c.request().queryParameters();
                        boolean recoverable = q.getOrDefault("mode", List.of("p")).get(0).equals("r");
                        for (String topic : q.getOrDefault("topic", List.of())) {
                            SubscribeOptions o = recoverable ? SubscribeOptions.recoverable() : SubscribeOptions.plain();
                            if (q.containsKey("name")) {
                                o = o.withPresence(q.get("name").get(0));
                            }
                            subscriptions.put(c.id() + " " + topic, c.subscribe(topic, o));
                        }
                    }

                    @Override
                    public void onText(WebSocketConnection c, String text) {
                        Map<String, List<String>> q = c.request().queryParameters();
                        String topic = q.get("topic").get(0);
                        server.publish(topic, text, q.containsKey("except") ? c : null);
                    }
                }).build();
    }

    Instance start() {
        server.start();
        return this;
    }

    String url(String query) {
        return "ws://127.0.0.1:" + server.port() + "/t?" + query;
    }

    @Override
    public void close() {
        server.shutdown(Duration.ofSeconds(2));
    }
}
