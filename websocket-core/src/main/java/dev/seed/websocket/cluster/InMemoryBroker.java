package dev.seed.websocket.cluster;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The broker of a single instance (the default): a publication goes straight to this instance's
 * connections, and histories live in this process's memory. A topic's publications are placed
 * and delivered under the topic's lock, so its subscribers see them in offset order. A restart
 * loses the histories; the epochs of the new streams differ, so clients are told they could not
 * recover. Thread safe.
 */
public final class InMemoryBroker implements Broker {

    /** Streams are checked for expiry once every this many publications. */
    private static final int SWEEP_EVERY = 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HistoryPolicy policy;
    private final Map<String, Stream> streams = new ConcurrentHashMap<>();
    private final AtomicLong published = new AtomicLong();
    private volatile Receiver receiver;

    /** A broker without history. */
    public InMemoryBroker() {
        this(HistoryPolicy.none());
    }

    public InMemoryBroker(HistoryPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** One topic's history: the newest publications, each with the wall-clock millisecond it was placed. */
    private static final class Stream {
        final String epoch = Long.toString(RANDOM.nextLong() >>> 1, 36);
        final HistoryPolicy.Rule rule;
        // guarded by this
        final ArrayDeque<Publication> entries = new ArrayDeque<>();
        final ArrayDeque<Long> placedAt = new ArrayDeque<>();
        long top;

        Stream(HistoryPolicy.Rule rule) {
            this.rule = rule;
        }

        /** Drops what is beyond the size or older than the age. Holds the lock. */
        void trim(long nowMillis) {
            long oldest = nowMillis - rule.age().toMillis();
            while (!entries.isEmpty() && (entries.size() > rule.size() || placedAt.peekFirst() < oldest)) {
                entries.removeFirst();
                placedAt.removeFirst();
            }
        }
    }

    @Override
    public void start(String instanceId, Receiver receiver) {
        this.receiver = Objects.requireNonNull(receiver, "receiver");
    }

    @Override
    public void stop() {
        streams.clear();
    }

    @Override
    public CompletableFuture<Integer> publish(Publication publication) {
        Receiver r = receiver();
        HistoryPolicy.Rule rule = policy.ruleFor(publication.topic());
        if (rule == null) {
            return r.topic(publication);
        }
        if (published.incrementAndGet() % SWEEP_EVERY == 0) {
            sweep();
        }
        Stream s = streams.computeIfAbsent(publication.topic(), t -> new Stream(rule));
        synchronized (s) {
            long now = System.currentTimeMillis();
            Publication placed = publication.at(new TopicPosition(++s.top, s.epoch));
            s.entries.addLast(placed);
            s.placedAt.addLast(now);
            s.trim(now);
            return r.topic(placed);
        }
    }

    @Override
    public CompletableFuture<Integer> sendToUser(String userId, Publication publication) {
        return receiver().user(userId, publication);
    }

    @Override
    public CompletableFuture<Integer> broadcast(Publication publication) {
        return receiver().broadcast(publication);
    }

    @Override
    public CompletableFuture<Void> listen(String topic) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void unlisten(String topic) {
    }

    @Override
    public CompletableFuture<Void> listenUser(String userId) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void unlistenUser(String userId) {
    }

    @Override
    public CompletableFuture<History> history(String topic, long afterOffset, int limit) {
        HistoryPolicy.Rule rule = policy.ruleFor(topic);
        if (rule == null) {
            return CompletableFuture.completedFuture(History.none());
        }
        Stream s = streams.computeIfAbsent(topic, t -> new Stream(rule));
        synchronized (s) {
            s.trim(System.currentTimeMillis());
            return CompletableFuture.completedFuture(
                    History.slice(new ArrayList<>(s.entries), new TopicPosition(s.top, s.epoch), afterOffset, limit));
        }
    }

    @Override
    public int historySize(String topic) {
        HistoryPolicy.Rule rule = policy.ruleFor(topic);
        return rule == null ? 0 : rule.size();
    }

    @Override
    public boolean isConnected() {
        return true;
    }

    @Override
    public String describe() {
        return "in-memory (" + policy + ")";
    }

    /** Drops the streams whose every publication has expired. */
    private void sweep() {
        long now = System.currentTimeMillis();
        for (Iterator<Stream> it = streams.values().iterator(); it.hasNext();) {
            Stream s = it.next();
            synchronized (s) {
                s.trim(now);
                if (s.entries.isEmpty()) {
                    it.remove();
                }
            }
        }
    }

    private Receiver receiver() {
        Receiver r = receiver;
        if (r == null) {
            throw new IllegalStateException("The broker has not been started: start the server first.");
        }
        return r;
    }
}
