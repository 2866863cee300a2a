package dev.seed.websocket.redis;

import dev.seed.websocket.cluster.PresenceEvent;
import dev.seed.websocket.cluster.PresenceManager;
import dev.seed.websocket.cluster.PresenceMember;
import io.lettuce.core.ScriptOutputType;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The presence of a {@link RedisEngine}: each topic's members in a hash, each instance's own
 * members in another (so that removing an instance reads only its own), each change a script that
 * also publishes the event on one channel every instance listens to. Joins and leaves are sent
 * whole (EVAL), in the order they are made, so a leave never overtakes its join.
 *
 * <p>Each instance beats every third of the presence time to live; every beat also removes the
 * members of the instances whose last beat is older than two thirds of it (a crash, a kill -9),
 * with a leave event for each, so they leave within the time to live. An instance starting under
 * the id of one that crashed removes what that one left first. Redis and this instance are
 * reconciled after an outage: the leaves that failed are said again, and this instance's members
 * join again (a join of a member Redis still has changes nothing), also when an instance finds
 * itself removed (it stalled longer than the ttl). Thread safe.
 */
final class RedisPresence implements PresenceManager {

    private static final System.Logger LOG = System.getLogger(RedisPresence.class.getName());

    private final RedisEngine engine;
    private final RedisKeys keys;
    private volatile String instance;
    private volatile Consumer<PresenceEvent> events = e -> { };
    /** This instance's members, by topic and member key: what Redis must hold for it. */
    private final Map<String, Map<String, PresenceMember>> own = new ConcurrentHashMap<>();
    /** Leaves Redis did not take (it was away): said again when it is back. */
    private final Set<Map.Entry<String, PresenceMember>> pendingLeaves = ConcurrentHashMap.newKeySet();
    private final BiConsumer<byte[], byte[]> onMessage = this::onMessage;
    private final Consumer<Boolean> onState = this::onState;
    private ScheduledExecutorService beats;

    RedisPresence(RedisEngine engine) {
        this.engine = engine;
        this.keys = engine.keys();
    }

    @Override
    public synchronized void start(String instanceId, Consumer<PresenceEvent> events) {
        this.instance = instanceId;
        this.events = events;
        engine.open(onMessage, onState);
        try {
            engine.subscribe(keys.presenceChannel()).join();
            beat(Beat.STARTING).join();
        } catch (RuntimeException e) {
            engine.close(onMessage, onState);
            throw e instanceof dev.seed.websocket.cluster.ClusterException c ? c
                    : engine.failure("starting presence", e);
        }
        long period = Math.max(100, engine.presenceTtl().toMillis() / 3);
        beats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "websocket-redis-presence");
            t.setDaemon(true);
            return t;
        });
        beats.scheduleWithFixedDelay(() -> beat(Beat.ALIVE).exceptionally(e -> {
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
            beat(Beat.STOPPING).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "removing this instance's presence failed; the others will after the ttl", e);
        }
        own.clear();
        pendingLeaves.clear();
        engine.close(onMessage, onState);
    }

    /** What a heartbeat says (the script's last argument). */
    private enum Beat {
        ALIVE("0"), STOPPING("1"), STARTING("2");

        final String arg;

        Beat(String arg) {
            this.arg = arg;
        }
    }

    private CompletableFuture<Void> beat(Beat beat) {
        long window = engine.presenceTtl().toMillis() * 2 / 3;
        return engine.<List<Object>>run(RedisScripts.HEARTBEAT, ScriptOutputType.MULTI,
                new byte[][] {keys.instances()}, RedisKeys.bytes(instance), RedisKeys.bytes(Long.toString(window)),
                keys.presencePrefix(), keys.instanceMembersPrefix(), keys.presenceChannel(), RedisKeys.bytes(beat.arg))
                .thenAccept(r -> {
                    if (beat == Beat.ALIVE && ((Long) r.get(1)) == 1L) {
                        LOG.log(Level.WARNING, "This instance's presence was removed (Redis lost it, or this "
                                + "instance stalled past the presence ttl); its members join again");
                        reconcile();
                    }
                });
    }

    /** Says again the leaves Redis missed, then every member of this instance (idempotent). */
    private void reconcile() {
        for (Map.Entry<String, PresenceMember> leave : List.copyOf(pendingLeaves)) {
            if (!isOwn(leave.getKey(), leave.getValue())) {
                remove(leave.getKey(), leave.getValue()).thenRun(() -> pendingLeaves.remove(leave));
            } else {
                pendingLeaves.remove(leave);
            }
        }
        own.forEach((topic, members) -> members.values().forEach(m -> write(topic, m)));
    }

    private boolean isOwn(String topic, PresenceMember m) {
        Map<String, PresenceMember> members = own.get(topic);
        return members != null && members.containsKey(m.key());
    }

    private void onState(boolean connected) {
        if (connected && instance != null) {
            reconcile();
        }
    }

    @Override
    public CompletableFuture<Void> join(String topic, PresenceMember member) {
        own.computeIfAbsent(topic, t -> new ConcurrentHashMap<>()).put(member.key(), member);
        return write(topic, member);
    }

    private CompletableFuture<Void> write(String topic, PresenceMember member) {
        try {
            return engine.<Long>runInOrder(RedisScripts.JOIN, ScriptOutputType.INTEGER,
                    new byte[][] {keys.presence(topic), keys.instanceMembers(member.instance())},
                    RedisKeys.bytes(member.key()), RedisWire.memberValue(member), instanceField(topic, member),
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
        return remove(topic, member).whenComplete((v, e) -> {
            if (e != null) {
                pendingLeaves.add(Map.entry(topic, member));
            }
        });
    }

    private CompletableFuture<Void> remove(String topic, PresenceMember member) {
        try {
            return engine.<Long>runInOrder(RedisScripts.LEAVE, ScriptOutputType.INTEGER,
                    new byte[][] {keys.presence(topic), keys.instanceMembers(member.instance())},
                    RedisKeys.bytes(member.key()), instanceField(topic, member), keys.presenceChannel(),
                    RedisWire.event(PresenceEvent.Kind.LEAVE, topic, member))
                    .<Void>thenApply(n -> null)
                    .exceptionallyCompose(e -> CompletableFuture.failedFuture(engine.failure("presence leave", e)));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(engine.failure("presence leave", e));
        }
    }

    /** A member's field in its instance's hash: {@code connection LF topic} (a connection id has no line feed). */
    private static byte[] instanceField(String topic, PresenceMember member) {
        return RedisKeys.bytes(member.connectionId() + "\n" + topic);
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
}
