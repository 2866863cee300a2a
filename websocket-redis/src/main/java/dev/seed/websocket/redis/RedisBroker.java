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
    private volatile String instance;
    /** This instance's numbers for its publications (in each message, see RedisWire). */
    private final java.util.concurrent.atomic.AtomicLong sequence = new java.util.concurrent.atomic.AtomicLong();
    /**
     * Publications of this instance that Redis did not confirm (a timeout) and that were
     * delivered here instead, by sequence, with when: should Redis run them after all, they come
     * back and are not delivered again.
     */
    private final java.util.Map<Long, Long> deliveredHere = new java.util.concurrent.ConcurrentHashMap<>();
    private final BiConsumer<byte[], byte[]> onMessage = this::onMessage;
    private final Consumer<Boolean> onState = this::onState;

    RedisBroker(RedisEngine engine) {
        this.engine = engine;
        this.keys = engine.keys();
    }

    @Override
    public void start(String instanceId, Receiver receiver) {
        this.receiver = receiver;
        this.instance = instanceId;
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
        long seq = sequence.incrementAndGet();
        CompletableFuture<Integer> sent;
        try {
            if (rule == null) {
                sent = publish(channel, RedisWire.message(p, seq));
            } else {
                long age = rule.age().toMillis();
                sent = engine.<List<Object>>runInOrder(RedisScripts.PUBLISH_WITH_HISTORY, ScriptOutputType.MULTI,
                        new byte[][] {keys.history(p.topic()), keys.meta(p.topic())},
                        channel, RedisWire.head(p), RedisWire.tail(p, seq), ascii(rule.size()), ascii(age),
                        ascii(age + 86_400_000L), RedisKeys.bytes(Long.toString(RANDOM.nextLong() >>> 1, 36)))
                        .thenApply(r -> ((Long) r.get(0)).intValue());
            }
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        // a topic with a history keeps one order and one offset per publication: one that timed out
        // may still be placed (and then delivered everywhere, here too), so it is not delivered here now
        return orLocally(sent, "PUBLISH to topic " + p.topic(), seq, rule == null, () -> receiver.topic(p));
    }

    @Override
    public CompletableFuture<Integer> sendToUser(String userId, Publication p) {
        long seq = sequence.incrementAndGet();
        return orLocally(publishSafely(keys.userChannel(userId), p, seq), "PUBLISH to user " + userId, seq, true,
                () -> receiver.user(userId, p));
    }

    @Override
    public CompletableFuture<Integer> broadcast(Publication p) {
        long seq = sequence.incrementAndGet();
        return orLocally(publishSafely(keys.broadcastChannel(), p, seq), "PUBLISH broadcast", seq, true,
                () -> receiver.broadcast(p));
    }

    private CompletableFuture<Integer> publishSafely(byte[] channel, Publication p, long seq) {
        try {
            return publish(channel, RedisWire.message(p, seq));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<Integer> publish(byte[] channel, byte[] message) {
        return engine.observed(engine.commands().async().publish(channel, message).toCompletableFuture())
                .thenApply(Long::intValue);
    }

    /**
     * When Redis did not take a publication, this instance's connections still get it (the
     * cluster is down, not this server) and the future fails, saying so. One whose command timed
     * out (Redis hung) is delivered here too when {@code evenIfTimedOut}, and remembered, so that
     * it is not delivered again should Redis run it after all.
     */
    private CompletableFuture<Integer> orLocally(CompletableFuture<Integer> sent, String what, long seq,
            boolean evenIfTimedOut, Supplier<CompletableFuture<Integer>> local) {
        return sent.handle((n, e) -> {
            if (e == null) {
                return CompletableFuture.completedFuture(n);
            }
            ClusterException failure = engine.failure(what, e);
            boolean timedOut = failure.getCause() instanceof io.lettuce.core.RedisCommandTimeoutException;
            if (!timedOut || evenIfTimedOut) {
                LOG.log(Level.DEBUG, "delivering locally only", failure);
                if (timedOut) {
                    rememberDeliveredHere(seq);
                }
                try {
                    local.get();
                } catch (RuntimeException ex) {
                    failure.addSuppressed(ex);
                }
            }
            return CompletableFuture.<Integer>failedFuture(failure);
        }).thenCompose(f -> f);
    }

    /** How long a publication delivered here after a timeout is remembered. */
    private static final long REMEMBER_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(5);

    private void rememberDeliveredHere(long seq) {
        long now = System.nanoTime();
        if (deliveredHere.size() > 10_000) {
            deliveredHere.values().removeIf(at -> now - at > REMEMBER_NANOS);
        }
        deliveredHere.put(seq, now);
    }

    /** Whether a publication that came back from Redis was already delivered here (after a timeout). */
    private boolean deliveredAlready(RedisWire.Received r) {
        return !deliveredHere.isEmpty() && r.publication().origin().equals(instance)
                && deliveredHere.remove(r.sequence()) != null;
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
                    new byte[][] {keys.history(topic), keys.meta(topic)}, ascii(rule.age().toMillis()),
                    ascii(Math.min((long) limit, rule.size()) + 1))
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
        // newest first: the newest limit + 1 are enough to see whether what follows a position is complete
        for (Object entry : (List<Object>) reply.get(2)) {
            List<Object> fields = (List<Object>) ((List<Object>) entry).get(1);
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                if ("m".equals(new String((byte[]) fields.get(i), StandardCharsets.US_ASCII))) {
                    RedisWire.Received r = RedisWire.read(topic, (byte[]) fields.get(i + 1));
                    if (r != null && epoch.equals(r.publication().epoch())) {
                        all.add(r.publication());
                    }
                }
            }
        }
        if (epoch.isEmpty()) {
            return new History(List.of(), new TopicPosition(0, ""), false);
        }
        java.util.Collections.reverse(all);
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
                    RedisWire.Received p = RedisWire.read(keys.name(channel), message);
                    if (p != null && !deliveredAlready(p)) {
                        r.topic(p.publication());
                    }
                }
                case 'u' -> {
                    RedisWire.Received p = RedisWire.read(null, message);
                    if (p != null && !deliveredAlready(p)) {
                        r.user(keys.name(channel), p.publication());
                    }
                }
                case 'b' -> {
                    RedisWire.Received p = RedisWire.read(null, message);
                    if (p != null && !deliveredAlready(p)) {
                        r.broadcast(p.publication());
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
