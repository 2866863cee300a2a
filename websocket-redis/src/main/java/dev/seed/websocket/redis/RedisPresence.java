package dev.seed.websocket.redis;

import dev.seed.websocket.cluster.PresenceEvent;
import dev.seed.websocket.cluster.PresenceManager;
import dev.seed.websocket.cluster.PresenceMember;
import io.lettuce.core.ScriptOutputType;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The presence of a {@link RedisEngine}: each topic's members in a hash, each change a script that
 * also publishes the event on one channel every instance listens to. Each instance beats every
 * third of the presence time to live; every beat also removes the members of the instances whose
 * last beat is older than two thirds of it (a crash, a kill -9), with a leave event for each, so
 * they leave within the time to live. An instance that finds itself removed (it stalled longer
 * than that) puts its members back. Thread safe.
 */
final class RedisPresence implements PresenceManager {

    private static final System.Logger LOG = System.getLogger(RedisPresence.class.getName());

    private final RedisEngine engine;
    private final RedisKeys keys;
    private volatile String instance;
    private volatile Consumer<PresenceEvent> events = e -> { };
    /** This instance's members, to put back when Redis lost them. */
    private final Map<String, Map<String, PresenceMember>> own = new ConcurrentHashMap<>();
    private final BiConsumer<byte[], byte[]> onMessage = this::onMessage;
    private final Consumer<Boolean> onState = connected -> { };
    private ScheduledExecutorService beats;
    private volatile boolean firstBeat = true;

    RedisPresence(RedisEngine engine) {
        this.engine = engine;
        this.keys = engine.keys();
    }

    @Override
    public synchronized void start(String instanceId, Consumer<PresenceEvent> events) {
        this.instance = instanceId;
        this.events = events;
        engine.open(onMessage, onState);
        engine.subscribe(keys.presenceChannel()).join();
        beat(false).join();
        long period = Math.max(100, engine.presenceTtl().toMillis() / 3);
        beats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "websocket-redis-presence");
            t.setDaemon(true);
            return t;
        });
        beats.scheduleWithFixedDelay(() -> beat(false).exceptionally(e -> {
            LOG.log(Level.DEBUG, "presence heartbeat failed", e);
            return null;
        }), period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (beats == null) {
            return;
        }
        beats.shutdownNow();
        beats = null;
        try {
            // this instance's members leave now, with their events, rather than after the time to live
            beat(true).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "removing this instance's presence failed; the others will after the ttl", e);
        }
        own.clear();
        engine.close(onMessage, onState);
    }

    /** Beats (or, stopping, removes this instance), sweeping dead instances; puts our members back when they were swept. */
    private CompletableFuture<Void> beat(boolean stopping) {
        long window = engine.presenceTtl().toMillis() * 2 / 3;
        return engine.<List<Object>>run(RedisScripts.HEARTBEAT, ScriptOutputType.MULTI,
                new byte[][] {keys.instances()}, RedisKeys.bytes(instance), RedisKeys.bytes(Long.toString(window)),
                keys.presencePrefix(), keys.instanceTopicsPrefix(), keys.presenceChannel(),
                RedisKeys.bytes(stopping ? "1" : "0"))
                .thenAccept(r -> {
                    boolean swept = ((Long) r.get(1)) == 1L;
                    if (swept && !firstBeat && !stopping) {
                        LOG.log(Level.WARNING, "This instance's presence was removed (Redis lost it, or this "
                                + "instance stalled past the presence ttl); its members join again");
                        own.forEach((topic, members) -> members.values().forEach(m -> write(topic, m)));
                    }
                    firstBeat = false;
                });
    }

    @Override
    public CompletableFuture<Void> join(String topic, PresenceMember member) {
        own.computeIfAbsent(topic, t -> new ConcurrentHashMap<>()).put(member.key(), member);
        return write(topic, member);
    }

    private CompletableFuture<Void> write(String topic, PresenceMember member) {
        try {
            return engine.<Long>run(RedisScripts.JOIN, ScriptOutputType.INTEGER,
                    new byte[][] {keys.presence(topic), keys.instanceTopics(member.instance())},
                    RedisKeys.bytes(member.key()), RedisWire.memberValue(member), RedisKeys.bytes(topic),
                    keys.presenceChannel(), RedisWire.event(PresenceEvent.Kind.JOIN, topic, member))
                    .<Void>thenApply(n -> null)
                    .exceptionallyCompose(e -> CompletableFuture.failedFuture(engine.failure("presence join", e)));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(engine.failure("presence join", e));
        }
    }

    @Override
    public CompletableFuture<Void> leave(String topic, PresenceMember member) {
        own.computeIfPresent(topic, (t, m) -> {
            m.remove(member.key());
            return m.isEmpty() ? null : m;
        });
        try {
            return engine.<Long>run(RedisScripts.LEAVE, ScriptOutputType.INTEGER,
                    new byte[][] {keys.presence(topic)}, RedisKeys.bytes(member.key()), keys.presenceChannel(),
                    RedisWire.event(PresenceEvent.Kind.LEAVE, topic, member))
                    .<Void>thenApply(n -> null)
                    .exceptionallyCompose(e -> CompletableFuture.failedFuture(engine.failure("presence leave", e)));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(engine.failure("presence leave", e));
        }
    }

    @Override
    public CompletableFuture<List<PresenceMember>> members(String topic) {
        try {
            return engine.commands().async().hgetall(keys.presence(topic)).toCompletableFuture()
                    .thenApply(all -> {
                        List<PresenceMember> members = new ArrayList<>(all.size());
                        all.forEach((k, v) -> {
                            PresenceMember m = RedisWire.member(k, v);
                            if (m != null) {
                                members.add(m);
                            }
                        });
                        members.sort(java.util.Comparator.comparing(PresenceMember::key));
                        return List.copyOf(members);
                    })
                    .exceptionallyCompose(e -> CompletableFuture.failedFuture(engine.failure("reading presence", e)));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(engine.failure("reading presence", e));
        }
    }

    private void onMessage(byte[] channel, byte[] message) {
        if (keys.kind(channel) != 'p') {
            return;
        }
        PresenceEvent e = RedisWire.event(message);
        if (e == null) {
            LOG.log(Level.DEBUG, "an unreadable presence event: " + new String(message, StandardCharsets.UTF_8));
            return;
        }
        try {
            events.accept(e);
        } catch (RuntimeException ex) {
            LOG.log(Level.WARNING, "a presence listener threw", ex);
        }
    }

    Duration ttl() {
        return engine.presenceTtl();
    }
}
