package dev.seed.websocket.internal;

import dev.seed.websocket.SubscribeOptions;
import dev.seed.websocket.SubscribeResult;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.cluster.Broker;
import dev.seed.websocket.cluster.ClusterListener;
import dev.seed.websocket.cluster.History;
import dev.seed.websocket.cluster.PresenceEvent;
import dev.seed.websocket.cluster.PresenceMember;
import dev.seed.websocket.cluster.Publication;
import dev.seed.websocket.cluster.TopicPosition;
import dev.seed.websocket.protocol.WireFormat;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A server's topics, user-addressed sends and broadcasts, run through its {@link Broker} and
 * {@link dev.seed.websocket.cluster.PresenceManager}: what this instance publishes goes to the
 * broker, what the broker delivers (from any instance) goes to this instance's connections. Keeps
 * the local indexes a delivery needs (subscribers of each topic, connections of each user) and
 * tells the broker which topics and users to listen for: only those with a connection here.
 * Thread safe.
 */
final class ServerCluster implements Broker.Receiver {

    private static final System.Logger LOG = System.getLogger(ServerCluster.class.getName());

    private final ClusterSettings settings;
    private final Broker broker;
    private final String instance;
    private final ClusterListener listener;
    /** Every open connection of the server (its own set). */
    private final Collection<WsConnection> connections;
    private final Map<String, TopicSubscribers> topics = new ConcurrentHashMap<>();
    /** The open connections of each user id; only connections that have one. */
    private final Map<String, Set<WsConnection>> users = new ConcurrentHashMap<>();

    ServerCluster(ClusterSettings settings, Collection<WsConnection> connections) {
        this.settings = settings;
        this.broker = settings.broker();
        this.instance = settings.instanceId();
        this.listener = settings.listener();
        this.connections = connections;
    }

    void start() {
        broker.start(instance, this);
        try {
            settings.presence().start(instance, this::presenceChanged);
        } catch (RuntimeException e) {
            broker.stop();
            throw e;
        }
    }

    void stop() {
        try {
            settings.presence().stop();
        } finally {
            broker.stop();
        }
    }

    String instanceId() {
        return instance;
    }

    Broker broker() {
        return broker;
    }

    // ------------------------------------------------------------------ users

    void connectionOpened(WsConnection c) {
        String user = c.userId();
        if (user != null) {
            users.compute(user, (u, s) -> {
                Set<WsConnection> set = s;
                if (set == null) {
                    set = ConcurrentHashMap.newKeySet();
                    broker.listenUser(u);
                }
                set.add(c);
                return set;
            });
        }
    }

    void connectionFinished(WsConnection c) {
        String user = c.userId();
        if (user != null) {
            users.computeIfPresent(user, (u, s) -> {
                s.remove(c);
                if (s.isEmpty()) {
                    broker.unlistenUser(u);
                    return null;
                }
                return s;
            });
        }
        // Its own topics only, not every topic of the server.
        for (String topic : c.takeTopics()) {
            leave(c, topic);
        }
    }

    Set<WebSocketConnection> connectionsOfUser(String userId) {
        Set<WsConnection> s = users.get(userId);
        return s == null ? Set.of() : Set.copyOf(s);
    }

    CompletableFuture<Integer> sendToUser(String userId, boolean text, ByteBuffer payload) {
        return published(broker.sendToUser(userId, Publication.of(null, text, payload, instance, null)));
    }

    CompletableFuture<Integer> broadcast(boolean text, ByteBuffer payload) {
        return published(broker.broadcast(Publication.of(null, text, payload, instance, null)));
    }

    // ------------------------------------------------------------------ topics

    /**
     * Subscribes an open connection of this server; see {@link SubscribeOptions}. The connection
     * keeps its own topics, which it leaves when it ends.
     */
    CompletableFuture<SubscribeResult> subscribe(WsConnection c, String topic, SubscribeOptions options) {
        TopicPosition since = options.since() != null ? options.since()
                : options.recoverFromRequest() ? requestedPosition(c, topic) : null;
        PresenceMember member = options.presence() ? new PresenceMember(instance, c.id(), c.userId(), options.info()) : null;
        TopicSubscribers[] joined = new TopicSubscribers[1];
        // compute: atomic with leave()'s removal of an emptied topic, so the add never lands in one
        // that was just dropped, and the broker is told listen/unlisten in the order they happen
        topics.compute(topic, (t, s) -> {
            TopicSubscribers subs = s != null ? s : new TopicSubscribers(t, broker.listen(t));
            subs.add(c, options.positioned(), since != null, member);
            joined[0] = subs;
            return subs;
        });
        c.joinedTopic(topic);
        // The connection may have ended meanwhile: it marks itself finished before it leaves its
        // topics, and we added the topic before looking, so one of the two removes it.
        if (c.hasFinished()) {
            c.leftTopic(topic);
            leave(c, topic);
            return CompletableFuture.completedFuture(SubscribeResult.notSubscribed());
        }
        TopicSubscribers subs = joined[0];
        if (member != null) {
            settings.presence().join(topic, member).exceptionally(e -> {
                LOG.log(Level.WARNING, "presence join of " + member.key() + " to " + topic + " failed", e);
                return null;
            });
            // ended while the join was on its way: its leave may have gone first; say it again after
            if (c.hasFinished()) {
                settings.presence().leave(topic, member);
            }
        }
        if (since == null) {
            return subs.listening.thenApply(v -> SubscribeResult.ok());
        }
        int limit = broker.historySize(topic);
        return subs.listening
                .thenCompose(v -> limit == 0 ? CompletableFuture.completedFuture(History.none())
                        : broker.history(topic, since.offset(), limit))
                .handle((history, failure) -> {
                    SubscribeResult r = subs.finishRecovery(c, since, history, failure);
                    if (r.subscribed()) {
                        listener.recovery(r.recovery() == SubscribeResult.Recovery.RECOVERED);
                    }
                    return r;
                });
    }

    void unsubscribe(WsConnection c, String topic) {
        c.leftTopic(topic);
        leave(c, topic);
    }

    /** Removes {@code c} from {@code topic}, and the topic when none is left. */
    private void leave(WsConnection c, String topic) {
        PresenceMember[] member = new PresenceMember[1];
        topics.computeIfPresent(topic, (t, s) -> {
            member[0] = s.remove(c);
            if (s.isEmpty()) {
                broker.unlisten(t);
                return null;
            }
            return s;
        });
        if (member[0] != null) {
            settings.presence().leave(topic, member[0]).exceptionally(e -> {
                LOG.log(Level.WARNING, "presence leave of " + member[0].key() + " from " + topic + " failed", e);
                return null;
            });
        }
    }

    /** Marks, among a connection's attributes, a topic whose handshake position has been used. */
    private static final String SINCE_USED = "dev.seed.websocket.since-used:";

    /**
     * The position a handshake's {@code ws-since} parameters give for {@code topic}, or null; once
     * per connection and topic (subscribing again later does not replay what it already got).
     */
    private static TopicPosition requestedPosition(WsConnection c, String topic) {
        if (c.request().query() == null || !c.request().query().contains(SubscribeOptions.SINCE_PARAMETER)) {
            return null;
        }
        List<String> values = c.request().queryParameters().get(SubscribeOptions.SINCE_PARAMETER);
        if (values == null || c.attributes().putIfAbsent(SINCE_USED + topic, Boolean.TRUE) != null) {
            return null;
        }
        for (String v : values) {
            // topic~offset~epoch: the topic may hold '~', the offset and the epoch do not
            int epochStart = v.lastIndexOf('~');
            int offsetStart = epochStart <= 0 ? -1 : v.lastIndexOf('~', epochStart - 1);
            if (offsetStart > 0 && v.regionMatches(0, topic, 0, offsetStart) && offsetStart == topic.length()) {
                return TopicPosition.parse(v.substring(offsetStart + 1));
            }
        }
        return null;
    }

    int topicCount() {
        return topics.size();
    }

    Set<WebSocketConnection> subscribers(String topic) {
        TopicSubscribers s = topics.get(topic);
        return s == null ? Set.of() : s.snapshot();
    }

    CompletableFuture<Integer> publish(String topic, boolean text, ByteBuffer payload, WebSocketConnection except) {
        String exceptId = except == null ? null : except.id();
        return published(broker.publish(Publication.of(topic, text, payload, instance, exceptId)));
    }

    CompletableFuture<List<PresenceMember>> presence(String topic) {
        return settings.presence().members(topic);
    }

    CompletableFuture<History> history(String topic, int limit) {
        return broker.history(topic, -1, limit);
    }

    private CompletableFuture<Integer> published(CompletableFuture<Integer> sent) {
        if (listener != ClusterListener.NONE) {
            sent.whenComplete((n, e) -> {
                if (e == null) {
                    listener.published();
                } else {
                    listener.publishFailed(e);
                }
            });
        }
        return sent;
    }

    // ------------------------------------------------------------------ what the broker delivers

    @Override
    public CompletableFuture<Integer> topic(Publication p) {
        received(p);
        TopicSubscribers s = topics.get(p.topic());
        if (s == null) {
            return CompletableFuture.completedFuture(0);
        }
        return s.deliver(p, exceptNumber(p));
    }

    @Override
    public CompletableFuture<Integer> user(String userId, Publication p) {
        received(p);
        Set<WsConnection> s = users.get(userId);
        return s == null ? CompletableFuture.completedFuture(0) : fanOut(p, s);
    }

    @Override
    public CompletableFuture<Integer> broadcast(Publication p) {
        received(p);
        return fanOut(p, connections);
    }

    @Override
    public void connectionChanged(boolean connected) {
        listener.connectionChanged(connected);
    }

    private void received(Publication p) {
        if (listener != ClusterListener.NONE) {
            listener.received(Math.max(0, Publication.nowMicros() - p.publishedAtMicros()));
        }
    }

    private static CompletableFuture<Integer> fanOut(Publication p, Collection<WsConnection> targets) {
        SharedMessage m = new SharedMessage(p.text() ? WireFormat.OPCODE_TEXT : WireFormat.OPCODE_BINARY, p.data());
        DeliveryCount count = new DeliveryCount();
        for (WsConnection c : targets) {
            if (c.isOpen()) {
                count.add(m.sendTo(c));
            }
        }
        return count.done();
    }

    /** The number of the connection a publication skips, when it is one of ours; -1 otherwise. */
    private long exceptNumber(Publication p) {
        String except = p.except();
        if (except == null || !instance.equals(p.origin()) || !except.startsWith("s-")) {
            return -1;
        }
        try {
            return Long.parseLong(except, 2, except.length(), 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void presenceChanged(PresenceEvent e) {
        for (Consumer<PresenceEvent> l : settings.presenceListeners()) {
            try {
                l.accept(e);
            } catch (RuntimeException ex) {
                LOG.log(Level.WARNING, "a presence listener threw", ex);
            }
        }
    }

    static ByteBuffer utf8(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }
}
