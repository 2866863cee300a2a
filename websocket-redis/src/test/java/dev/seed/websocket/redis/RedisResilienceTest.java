package dev.seed.websocket.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.cluster.ClusterException;
import dev.seed.websocket.cluster.Envelope;
import dev.seed.websocket.cluster.HistoryPolicy;
import dev.seed.websocket.cluster.PresenceMember;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cluster under the failures a production Redis has: recoveries racing live publications,
 * outages that keep the data, a hung Redis, an instance restarted under the id of one that
 * crashed, connections that end while they join, publications lost on the way to an instance.
 */
class RedisResilienceTest {

    /** Topics busy, gappy and h:* keep a history; the others none. */
    private static final HistoryPolicy HISTORY = HistoryPolicy.of(
            new HistoryPolicy.Rule("busy", 1_000, Duration.ofMinutes(5)),
            new HistoryPolicy.Rule("gappy", 1_000, Duration.ofMinutes(5)),
            new HistoryPolicy.Rule("h:", 1_000, Duration.ofMinutes(5)));

    private RedisServer redis;
    private final List<Instance> instances = new ArrayList<>();
    private final WebSocketClient client = WebSocketClient.create();

    @BeforeEach
    void startRedis() throws Exception {
        redis = RedisServer.start();
    }

    @AfterEach
    void stopAll() throws Exception {
        client.close();
        for (Instance i : instances) {
            i.close();
        }
        redis.resume();
        redis.close();
    }

    private Instance instance(String id) {
        Instance i = new Instance(redis, id, HISTORY, Duration.ofSeconds(3)).start();
        instances.add(i);
        return i;
    }

    private static void await(String what, BooleanSupplier condition, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within + ": " + what);
            }
            Thread.sleep(10);
        }
    }

    private static List<String> members(Instance i, String topic) {
        try {
            return i.server.presence(topic).get(5, TimeUnit.SECONDS).stream().map(PresenceMember::info).sorted().toList();
        } catch (Exception e) {
            return List.of("unreadable: " + e);
        }
    }

    private static String since(String topic, long offset, String epoch) {
        return "ws-since=" + URLEncoder.encode(topic + "~" + offset + "~" + epoch, StandardCharsets.UTF_8);
    }

    @Test
    void recoveriesRacingLivePublicationsGetEachOnceInOrderWithoutGaps() throws Exception {
        Instance a = instance("a");
        Instance b = instance("b");
        // plain subscribers make the delivery on b slower than the history read: the race is real
        for (int i = 0; i < 100; i++) {
            Peer.connect(client, b.url("topic=busy"));
        }
        Peer first = Peer.connect(client, b.url("topic=busy&mode=r"));
        await("b listens", () -> redis.channels("ws:t:*").contains("ws:t:busy"), Duration.ofSeconds(5));
        a.server.publish("busy", "m0").get(5, TimeUnit.SECONDS);
        String epoch = Envelope.parse(first.next()).epoch();
        AtomicBoolean run = new AtomicBoolean(true);
        CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (int n = 1; run.get() && System.nanoTime() < deadline; n++) {
                a.server.publish("busy", "m" + n + " " + "x".repeat(200));
                if (n % 5 == 0) {
                    a.server.publish("busy", "sync").join();
                }
            }
        });
        int recovered = 0;
        List<String> notices = new ArrayList<>();
        try {
            for (int t = 0; t < 12; t++) {
                long from = Math.max(0, b.server.history("busy", 1).get(5, TimeUnit.SECONDS).top().offset() - 20);
                Peer p = Peer.connect(client, b.url("topic=busy&mode=r&" + since("busy", from, epoch)));
                long expected = from + 1;
                Set<Long> seen = new HashSet<>();
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400);
                while (System.nanoTime() < until) {
                    String s = p.poll(50);
                    if (s == null) {
                        continue;
                    }
                    if (s.startsWith("{\"ws.recovery\"")) {
                        Envelope.Notice n = Envelope.notice(s);
                        notices.add(s);
                        if (n.recovered()) {
                            recovered++;
                            assertThat(n.offset()).as("the notice follows what was sent (try %d)", t).isEqualTo(expected - 1);
                        } else {
                            // told it could not get everything (a read that timed out under load, a gap):
                            // what follows comes after the position the notice gives
                            expected = n.offset() + 1;
                        }
                        continue;
                    }
                    long offset = Envelope.parse(s).offset();
                    assertThat(seen.add(offset)).as("offset %d once (try %d)", offset, t).isTrue();
                    assertThat(offset).as("in order, none missing (try %d; notices %s)", t, notices).isEqualTo(expected);
                    expected++;
                }
                p.connection.close();
            }
            assertThat(recovered).as("recoveries that got everything, of 12; notices %s", notices).isGreaterThanOrEqualTo(6);
        } finally {
            run.set(false);
            publisher.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aPublicationLostOnTheWayToAnInstanceIsToldToPositionedSubscribers() throws Exception {
        Instance a = instance("a");
        Peer p = Peer.connect(client, a.url("topic=gappy&mode=r"));
        await("listening", () -> redis.channels("ws:t:*").contains("ws:t:gappy"), Duration.ofSeconds(5));
        a.server.publish("gappy", "one").get(5, TimeUnit.SECONDS);
        Envelope one = Envelope.parse(p.next());
        // offset 2 is placed but never published: as if its message had been lost on the way
        assertThat(redis.command("HINCRBY ws:m:gappy s 1")).isEqualTo(":2");
        a.server.publish("gappy", "three").get(5, TimeUnit.SECONDS);
        assertThat(Envelope.notice(p.next())).isEqualTo(new Envelope.Notice("gappy", false, 0, 2, one.epoch()));
        assertThat(Envelope.parse(p.next()).offset()).isEqualTo(3);
    }

    @Test
    void whenOnlyTheSubscriptionConnectionDropsItIsRestoredAndDeliveryGoesOn() throws Exception {
        Instance a = instance("a");
        Instance b = instance("b");
        Peer onB = Peer.connect(client, b.url("topic=news&user=ann"));
        await("b listens", () -> redis.channels("ws:t:*").contains("ws:t:news")
                && redis.channels("ws:u:*").contains("ws:u:ann"), Duration.ofSeconds(5));
        // what Redis does to a subscriber whose output buffer passed its limit
        assertThat(redis.command("CLIENT KILL TYPE pubsub")).startsWith(":");
        await("b listens again", () -> redis.channels("ws:t:*").contains("ws:t:news")
                && redis.channels("ws:u:*").contains("ws:u:ann") && redis.channels("ws:b").size() == 1,
                Duration.ofSeconds(10));
        // publications made while the subscription was being restored are lost (at most once);
        // once it is back, they flow again
        await("a publication reaches b", () -> {
            a.server.publish("news", "after").join();
            return "after".equals(onB.texts.poll());
        }, Duration.ofSeconds(10));
        a.server.sendToUser("ann", "to ann").get(5, TimeUnit.SECONDS);
        a.server.broadcast("to all").get(5, TimeUnit.SECONDS);
        List<String> rest = new ArrayList<>();
        while (rest.size() < 2) {
            String t = onB.next();
            if (!t.equals("after")) {
                rest.add(t);
            }
        }
        assertThat(rest).containsExactly("to ann", "to all");
    }

    @Test
    void anUnsubscribeDuringAnOutageHoldsAfterTheReconnection() throws Exception {
        Instance b = instance("b");
        Peer p = Peer.connect(client, b.url("topic=gone&topic=kept"));
        await("subscribed", () -> redis.channels("ws:t:*").equals(List.of("ws:t:gone", "ws:t:kept")), Duration.ofSeconds(5));
        redis.kill();
        await("down", () -> !b.engine.isConnected(), Duration.ofSeconds(10));
        b.server.unsubscribe(p.connectionOnServer(b), "gone");
        redis.startProcess();
        await("up", () -> b.engine.isConnected(), Duration.ofSeconds(30));
        await("only kept", () -> redis.channels("ws:t:*").equals(List.of("ws:t:kept")), Duration.ofSeconds(10));
    }

    @Test
    void presenceIsReconciledAfterAnOutageThatKeptTheData() throws Exception {
        Instance a = instance("a");
        Peer ann = Peer.connect(client, a.url("topic=room:1&name=ann"));
        await("ann", () -> members(a, "room:1").equals(List.of("ann")), Duration.ofSeconds(5));
        redis.shutdownSaving();
        await("down", () -> !a.engine.isConnected(), Duration.ofSeconds(10));
        ann.connection.close();
        Peer.connect(client, a.url("topic=room:1&name=bob"));
        await("ann gone here", () -> a.server.subscribers("room:1").size() == 1, Duration.ofSeconds(5));
        redis.startProcess();
        await("up", () -> a.engine.isConnected(), Duration.ofSeconds(30));
        await("Redis holds what this instance holds", () -> members(a, "room:1").equals(List.of("bob")),
                Duration.ofSeconds(10));
    }

    @Test
    void anInstanceRestartedUnderTheIdOfOneThatCrashedRemovesWhatItLeft() throws Exception {
        RedisClient lettuce = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> c = lettuce.connect()) {
            // what a crashed run of "x" left, within its expiry window
            c.sync().hset("ws:pr:room:1", "x/s-999", "5:ghost5:ghost");
            c.sync().hset("ws:pm:x", "s-999\nroom:1", "1");
            c.sync().zadd("ws:instances", System.currentTimeMillis() + 60_000, "x");
        } finally {
            lettuce.shutdown();
        }
        Instance y = instance("y");
        assertThat(members(y, "room:1")).containsExactly("ghost");
        Instance x = instance("x");
        await("the ghost left", () -> members(y, "room:1").isEmpty(), Duration.ofSeconds(5));
        await("its leave event on y", () -> y.presence.stream().anyMatch(
                e -> (e.kind() + " " + e.member().key()).equals("LEAVE x/s-999")), Duration.ofSeconds(5));
        assertThat(x.server.isRunning()).isTrue();
    }

    @Test
    void connectionsThatEndWhileTheyJoinLeaveNoMember() throws Exception {
        Instance a = instance("a");
        List<CompletableFuture<WebSocketConnection>> connects = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            connects.add(client.connect(URI.create(a.url("topic=room:race&name=p" + i)), new WebSocketHandler() {
                @Override
                public void onOpen(WebSocketConnection c) {
                    c.abort();
                }
            }));
        }
        for (CompletableFuture<WebSocketConnection> f : connects) {
            f.handle((c, e) -> null).get(10, TimeUnit.SECONDS);
        }
        await("every connection gone", () -> a.server.connections().isEmpty(), Duration.ofSeconds(10));
        await("no member left", () -> members(a, "room:race").isEmpty(), Duration.ofSeconds(5));
        assertThat(a.server.subscribers("room:race")).isEmpty();
        assertThat(a.server.topicCount()).isZero();
    }

    @Test
    void aHungRedisTurnsTheEngineDownLocalDeliveryGoesOnAndNothingComesTwice() throws Exception {
        Instance a = instance("a");
        Peer plain = Peer.connect(client, a.url("topic=news"));
        Peer kept = Peer.connect(client, a.url("topic=h:news&mode=r"));
        await("listening", () -> redis.channels("ws:t:*").containsAll(List.of("ws:t:news", "ws:t:h:news")),
                Duration.ofSeconds(5));
        redis.pause();
        CompletableFuture<Integer> toPlain = a.server.publish("news", "during the stall");
        CompletableFuture<Integer> toKept = a.server.publish("h:news", "kept during the stall");
        for (CompletableFuture<Integer> f : List.of(toPlain, toKept)) {
            assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(ClusterException.class).hasMessageContaining("timed out");
        }
        assertThat(plain.next()).as("local delivery goes on").isEqualTo("during the stall");
        // a topic with a history waits for Redis: its publication may still get its offset
        assertThat(kept.poll(200)).isNull();
        assertThat(a.engine.isConnected()).as("a hung Redis is down").isFalse();
        assertThat(a.states).contains(false);

        redis.resume(); // Redis runs what it was sent meanwhile
        await("up again", () -> a.engine.isConnected(), Duration.ofSeconds(10));
        Envelope late = Envelope.parse(kept.next());
        assertThat(late.data()).isEqualTo("kept during the stall");
        assertThat(late.offset()).isEqualTo(1);
        a.server.publish("news", "after").get(5, TimeUnit.SECONDS);
        assertThat(plain.next()).as("the stalled one did not come twice").isEqualTo("after");
    }
}
