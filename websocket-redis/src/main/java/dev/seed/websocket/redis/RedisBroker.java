package dev.seed.websocket.redis;

import dev.seed.websocket.cluster.Broker;
import dev.seed.websocket.cluster.ClusterException;
import dev.seed.websocket.cluster.History;
import dev.seed.websocket.cluster.HistoryPolicy;
import dev.seed.websocket.cluster.Publication;
import dev.seed.websocket.cluster.TopicPosition;
import io.lettuce.core.ScriptOutputType;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The broker of a {@link RedisEngine}: a publication is one PUBLISH (one Lua script that also
 * places it in the topic's stream when the topic keeps a history), whatever the number of
 * subscribers; every instance listening to the channel, this one included, sends it to its own
 * connections. So every instance sees a topic's publications in the same order, the order of
 * their offsets. Thread safe.
 */
final class RedisBroker implements Broker {

    private static final System.Logger LOG = System.getLogger(RedisBroker.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RedisEngine engine;
    private final RedisKeys keys;
    private volatile Receiver receiver;
    private final BiConsumer<byte[], byte[]> onMessage = this::onMessage;
    private final Consumer<Boolean> onState = this::onState;

    RedisBroker(RedisEngine engine) {
        this.engine = engine;
        this.keys = engine.keys();
    }

    @Override
    public void start(String instanceId, Receiver receiver) {
        this.receiver = receiver;
        engine.open(onMessage, onState);
        engine.subscribe(keys.broadcastChannel()).join();
    }

    @Override
    public void stop() {
        engine.close(onMessage, onState);
    }

    @Override
    public CompletableFuture<Integer> publish(Publication p) {
        HistoryPolicy.Rule rule = engine.history().ruleFor(p.topic());
        byte[] channel = keys.topicChannel(p.topic());
        CompletableFuture<Integer> sent;
        try {
            if (rule == null) {
                sent = publish(channel, RedisWire.message(p));
            } else {
                long age = rule.age().toMillis();
                sent = engine.<List<Object>>runInOrder(RedisScripts.PUBLISH_WITH_HISTORY, ScriptOutputType.MULTI,
                        new byte[][] {keys.history(p.topic()), keys.meta(p.topic())},
                        channel, RedisWire.head(p), RedisWire.tail(p), ascii(rule.size()), ascii(age),
                        ascii(age + 86_400_000L), RedisKeys.bytes(Long.toString(RANDOM.nextLong() >>> 1, 36)))
                        .thenApply(r -> ((Long) r.get(0)).intValue());
            }
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return orLocally(sent, "PUBLISH to topic " + p.topic(), () -> receiver.topic(p));
    }

    @Override
    public CompletableFuture<Integer> sendToUser(String userId, Publication p) {
        return orLocally(publishSafely(keys.userChannel(userId), p), "PUBLISH to user " + userId,
                () -> receiver.user(userId, p));
    }

    @Override
    public CompletableFuture<Integer> broadcast(Publication p) {
        return orLocally(publishSafely(keys.broadcastChannel(), p), "PUBLISH broadcast", () -> receiver.broadcast(p));
    }

    private CompletableFuture<Integer> publishSafely(byte[] channel, Publication p) {
        try {
            return publish(channel, RedisWire.message(p));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<Integer> publish(byte[] channel, byte[] message) {
        return engine.commands().async().publish(channel, message).toCompletableFuture().thenApply(Long::intValue);
    }

    /**
     * When Redis did not take a publication, this instance's connections still get it (the
     * cluster is down, not this server) and the future fails, saying so.
     */
    private CompletableFuture<Integer> orLocally(CompletableFuture<Integer> sent, String what,
            Supplier<CompletableFuture<Integer>> local) {
        return sent.handle((n, e) -> {
            if (e == null) {
                return CompletableFuture.completedFuture(n);
            }
            ClusterException failure = engine.failure(what, e);
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            // a command that timed out may have run (Redis was slow, not away): its publication
            // then reaches this instance through the subscription, and must not come twice
            if (!(cause instanceof io.lettuce.core.RedisCommandTimeoutException)) {
                LOG.log(Level.DEBUG, "delivering locally only", failure);
                try {
                    local.get();
                } catch (RuntimeException ex) {
                    failure.addSuppressed(ex);
                }
            }
            return CompletableFuture.<Integer>failedFuture(failure);
        }).thenCompose(f -> f);
    }

    @Override
    public CompletableFuture<Void> listen(String topic) {
        return engine.subscribe(keys.topicChannel(topic));
    }

    @Override
    public void unlisten(String topic) {
        engine.unsubscribe(keys.topicChannel(topic));
    }

    @Override
    public CompletableFuture<Void> listenUser(String userId) {
        return engine.subscribe(keys.userChannel(userId));
    }

    @Override
    public void unlistenUser(String userId) {
        engine.unsubscribe(keys.userChannel(userId));
    }

    @Override
    public CompletableFuture<History> history(String topic, long afterOffset, int limit) {
        HistoryPolicy.Rule rule = engine.history().ruleFor(topic);
        if (rule == null) {
            return CompletableFuture.completedFuture(History.none());
        }
        try {
            return engine.<List<Object>>run(RedisScripts.HISTORY, ScriptOutputType.MULTI,
                    new byte[][] {keys.history(topic), keys.meta(topic)}, ascii(rule.age().toMillis()))
                    .thenApply(r -> history(topic, r, afterOffset, limit))
                    .exceptionallyCompose(e -> CompletableFuture.failedFuture(engine.failure("reading the history of " + topic, e)));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(engine.failure("reading the history of " + topic, e));
        }
    }

    @SuppressWarnings("unchecked")
    private static History history(String topic, List<Object> reply, long afterOffset, int limit) {
        String epoch = new String((byte[]) reply.get(0), StandardCharsets.UTF_8);
        long top = Long.parseLong(new String((byte[]) reply.get(1), StandardCharsets.US_ASCII));
        List<Publication> all = new ArrayList<>();
        for (Object entry : (List<Object>) reply.get(2)) {
            List<Object> fields = (List<Object>) ((List<Object>) entry).get(1);
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                if ("m".equals(new String((byte[]) fields.get(i), StandardCharsets.US_ASCII))) {
                    Publication p = RedisWire.read(topic, (byte[]) fields.get(i + 1));
                    if (p != null && p.epoch() != null) {
                        all.add(p);
                    }
                }
            }
        }
        if (epoch.isEmpty()) {
            return new History(List.of(), new TopicPosition(0, ""), false);
        }
        return History.slice(all, new TopicPosition(top, epoch), afterOffset, limit);
    }

    @Override
    public int historySize(String topic) {
        HistoryPolicy.Rule rule = engine.history().ruleFor(topic);
        return rule == null ? 0 : rule.size();
    }

    @Override
    public boolean isConnected() {
        return engine.isConnected();
    }

    @Override
    public String describe() {
        return engine.describe();
    }

    private void onMessage(byte[] channel, byte[] message) {
        Receiver r = receiver;
        if (r == null) {
            return;
        }
        try {
            switch (keys.kind(channel)) {
                case 't' -> {
                    Publication p = RedisWire.read(keys.name(channel), message);
                    if (p != null) {
                        r.topic(p);
                    }
                }
                case 'u' -> {
                    Publication p = RedisWire.read(null, message);
                    if (p != null) {
                        r.user(keys.name(channel), p);
                    }
                }
                case 'b' -> {
                    Publication p = RedisWire.read(null, message);
                    if (p != null) {
                        r.broadcast(p);
                    }
                }
                default -> {
                    // presence events are the presence manager's
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "delivering a publication from Redis failed", e);
        }
    }

    private void onState(boolean connected) {
        Receiver r = receiver;
        if (r != null) {
            r.connectionChanged(connected);
        }
    }

    private static byte[] ascii(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }
}
