package dev.seed.websocket.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seed.websocket.SubscribeResult;
import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.cluster.ClusterException;
import dev.seed.websocket.cluster.Envelope;
import dev.seed.websocket.cluster.HistoryPolicy;
import dev.seed.websocket.cluster.PresenceEvent;
import dev.seed.websocket.cluster.PresenceMember;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Server instances in one JVM on one real redis-server: topics, user sends and broadcasts across
 * instances, listening only where there are subscribers, history and recovery across instances,
 * presence, and Redis going away and coming back. Ordering, loss and duplication are checked with
 * numbered messages.
 */
class RedisClusterTest {

    private static final HistoryPolicy HISTORY = HistoryPolicy.of(new HistoryPolicy.Rule("room:", 50, Duration.ofMinutes(5)),
            new HistoryPolicy.Rule("brief:", 50, Duration.ofSeconds(1)));

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
        redis.close();
    }

    private Instance instance(String id) {
        Instance i = new Instance(redis, id, HISTORY, Duration.ofSeconds(3)).start();
        instances.add(i);
        return i;
    }

    private static void awaitSubscribed(Instance i, Peer p, String topic) throws Exception {
        CompletableFuture<SubscribeResult> f = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (f == null && System.nanoTime() < deadline) {
            f = i.subscriptions.get(p.id + " " + topic);
            Thread.sleep(f == null ? 5 : 0);
        }
        assertThat(f).isNotNull();
        assertThat(f.get(5, TimeUnit.SECONDS).subscribed()).isTrue();
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

    @Test
    void aTopicPublishedOnOneInstanceReachesEverySubscriberOnThreeInOrderOnceWithOneRedisPublishEach() throws Exception {
        Instance a = instance("a");
        Instance b = instance("b");
        Instance c = instance("c");
        List<Peer> subscribers = new ArrayList<>();
        for (Instance i : List.of(a, b, c)) {
            for (int k = 0; k < 3; k++) {
                Peer p = Peer.connect(client, i.url("topic=news"));
                awaitSubscribed(i, p, "news");
                subscribers.add(p);
            }
        }
        int total = 2_000;
        for (int n = 1; n <= total; n++) {
            a.server.publish("news", "n" + n);
        }
        for (Peer p : subscribers) {
            for (int n = 1; n <= total; n++) {
                assertThat(p.next()).as("in order, once, none lost").isEqualTo("n" + n);
            }
            assertThat(p.poll(50)).isNull();
        }
        // each publication is one PUBLISH received by the three instances, not one per subscriber
        assertThat(a.server.publish("news", "last").get(5, TimeUnit.SECONDS)).isEqualTo(3);
    }

    @Test
    void twoPublishersOnTwoInstancesKeepTheirOwnOrderAndWithHistoryEveryInstanceSeesOneOrder() throws Exception {
        Instance a = instance("a");
        Instance b = instance("b");
        Peer onA = Peer.connect(client, a.url("topic=room:1&mode=r"));
        Peer onB = Peer.connect(client, b.url("topic=room:1&mode=r"));
        awaitSubscribed(a, onA, "room:1");
        awaitSubscribed(b, onB, "room:1");
        int each = 500;
        CompletableFuture<Void> fromA = CompletableFuture.runAsync(() -> {
            for (int n = 1; n <= each; n++) {
                a.server.publish("room:1", "a" + n);
            }
        });
        CompletableFuture<Void> fromB = CompletableFuture.runAsync(() -> {
            for (int n = 1; n <= each; n++) {
                b.server.publish("room:1", "b" + n);
            }
        });
        fromA.get(30, TimeUnit.SECONDS);
        fromB.get(30, TimeUnit.SECONDS);
        List<String> seenOnA = new ArrayList<>();
        List<String> seenOnB = new ArrayList<>();
        for (int k = 0; k < 2 * each; k++) {
            Envelope ea = Envelope.parse(onA.next());
            Envelope eb = Envelope.parse(onB.next());
            assertThat(ea.offset()).isEqualTo(k + 1);
            assertThat(eb.offset()).isEqualTo(k + 1);
            seenOnA.add(ea.data());
            seenOnB.add(eb.data());
        }
        assertThat(seenOnB).as("one order on every instance").isEqualTo(seenOnA);
        for (String publisher : List.of("a", "b")) {
            List<String> own = seenOnA.stream().filter(s -> s.startsWith(publisher)).toList();
            assertThat(own).hasSize(each);
            for (int n = 1; n <= each; n++) {
                assertThat(own.get(n - 1)).isEqualTo(publisher + n);
            }
        }
    }

    @Test
    void exceptSkipsTheSenderOnlyAndUserSendsAndBroadcastsReachEveryInstance() throws Exception {
        Instance a = instance("a");
        Instance b = instance("b");
        Peer sender = Peer.connect(client, a.url("topic=chat&except=1&user=ann"));
        Peer annOnB = Peer.connect(client, b.url("topic=chat&user=ann"));
        Peer bobOnB = Peer.connect(client, b.url("topic=chat&user=bob"));
        awaitSubscribed(a, sender, "chat");
        awaitSubscribed(b, annOnB, "chat");
        awaitSubscribed(b, bobOnB, "chat");
        sender.connection.sendText("hello");
        assertThat(annOnB.next()).isEqualTo("hello");
        assertThat(bobOnB.next()).isEqualTo("hello");
        assertThat(sender.poll(200)).as("the sender is skipped").isNull();

        await("b listens to ann's channel", () -> redis.channels("ws:u:*").contains("ws:u:ann"), Duration.ofSeconds(5));
        assertThat(b.server.sendToUser("ann", "for ann").get(5, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(sender.next()).isEqualTo("for ann");
        assertThat(annOnB.next()).isEqualTo("for ann");
        assertThat(bobOnB.poll(200)).isNull();

        assertThat(a.server.broadcast("to all").get(5, TimeUnit.SECONDS)).isEqualTo(2);
        for (Peer p : List.of(sender, annOnB, bobOnB)) {
            assertThat(p.next()).isEqualTo("to all");
        }
    }

    @Test
    void anInstanceListensOnlyToTheTopicsAndUsersItHasConnectionsFor() throws Exception {
        Instance a = instance("a");
        instance("b");
        assertThat(redis.channels("ws:t:*")).isEmpty();
        Peer p = Peer.connect(client, a.url("topic=one&topic=two&user=ann"));
        awaitSubscribed(a, p, "one");
        awaitSubscribed(a, p, "two");
        assertThat(redis.channels("ws:t:*")).containsExactly("ws:t:one", "ws:t:two");
        assertThat(redis.channels("ws:u:*")).containsExactly("ws:u:ann");
        a.server.unsubscribe(p.connectionOnServer(a), "one");
        await("unsubscribed from one", () -> redis.channels("ws:t:*").equals(List.of("ws:t:two")), Duration.ofSeconds(5));
        p.connection.close();
        await("no channel left", () -> redis.channels("ws:t:*").isEmpty() && redis.channels("ws:u:*").isEmpty(),
                Duration.ofSeconds(5));
    }

    @Test
    void aClientReconnectingToAnotherInstanceRecoversWhatItMissedOrIsToldItCannot() throws Exception {
        Instance a = instance("a");
        Instance b = instance("b");
        Peer first = Peer.connect(client, a.url("topic=room:7&mode=r"));
        awaitSubscribed(a, first, "room:7");
        for (int n = 1; n <= 5; n++) {
            a.server.publish("room:7", "m" + n).get(5, TimeUnit.SECONDS);
        }
        Envelope last = null;
        for (int n = 1; n <= 5; n++) {
            last = Envelope.parse(first.next());
        }
        first.connection.close();
        for (int n = 6; n <= 12; n++) {
            a.server.publish("room:7", "m" + n).get(5, TimeUnit.SECONDS);
        }
        Peer back = Peer.connect(client, b.url("topic=room:7&mode=r&" + since("room:7", last.offset(), last.epoch())));
        for (int n = 6; n <= 12; n++) {
            Envelope e = Envelope.parse(back.next());
            assertThat(e.offset()).isEqualTo(n);
            assertThat(e.data()).isEqualTo("m" + n);
        }
        assertThat(Envelope.notice(back.next())).isEqualTo(new Envelope.Notice("room:7", true, 7, 12, last.epoch()));
        a.server.publish("room:7", "m13").get(5, TimeUnit.SECONDS);
        assertThat(Envelope.parse(back.next()).offset()).isEqualTo(13);

        // the history keeps 50: a position 60 publications back is trimmed away
        for (int n = 14; n <= 73; n++) {
            a.server.publish("room:7", "m" + n).get(5, TimeUnit.SECONDS);
        }
        Peer late = Peer.connect(client, b.url("topic=room:7&mode=r&" + since("room:7", 13, last.epoch())));
        assertThat(Envelope.notice(late.next())).isEqualTo(new Envelope.Notice("room:7", false, 0, 73, last.epoch()));
        assertThat(b.server.history("room:7", 100).get(5, TimeUnit.SECONDS).publications()).hasSize(50);
    }

    @Test
    void publicationsOlderThanTheHistoryAgeAreGoneAndCannotBeRecovered() throws Exception {
        Instance a = instance("a");
        Peer p = Peer.connect(client, a.url("topic=brief:1&mode=r"));
        awaitSubscribed(a, p, "brief:1");
        a.server.publish("brief:1", "old").get(5, TimeUnit.SECONDS);
        Envelope old = Envelope.parse(p.next());
        Thread.sleep(1_300);
        assertThat(a.server.history("brief:1", 10).get(5, TimeUnit.SECONDS).publications()).as("expired").isEmpty();
        a.server.publish("brief:1", "new").get(5, TimeUnit.SECONDS);
        Envelope fresh = Envelope.parse(p.next());
        assertThat(a.server.history("brief:1", 10).get(5, TimeUnit.SECONDS).publications())
                .extracting(pub -> pub.offset()).containsExactly(fresh.offset());
        Peer back = Peer.connect(client, a.url("topic=brief:1&mode=r&" + since("brief:1", old.offset() - 1, old.epoch())));
        Envelope.Notice n = Envelope.notice(back.next());
        assertThat(n.recovered()).as("the first publication after the position has expired").isFalse();
        assertThat(n.offset()).isEqualTo(fresh.offset());
    }

    @Test
    void historyLostWithRedisIsANewEpochAndNotRecovered() throws Exception {
        Instance a = instance("a");
        Peer p = Peer.connect(client, a.url("topic=room:9&mode=r"));
        awaitSubscribed(a, p, "room:9");
        a.server.publish("room:9", "m1").get(5, TimeUnit.SECONDS);
        Envelope e = Envelope.parse(p.next());
        assertThat(redis.command("FLUSHALL")).isEqualTo("+OK");
        a.server.publish("room:9", "m1 again").get(5, TimeUnit.SECONDS);
        Envelope again = Envelope.parse(p.next());
        assertThat(again.offset()).isEqualTo(1);
        assertThat(again.epoch()).isNotEqualTo(e.epoch());
        Peer back = Peer.connect(client, a.url("topic=room:9&mode=r&" + since("room:9", 1, e.epoch())));
        Envelope.Notice n = Envelope.notice(back.next());
        assertThat(n.recovered()).isFalse();
        assertThat(n.epoch()).isEqualTo(again.epoch());
    }

    @Test
    void presenceIsClusterWideWithJoinAndLeaveEventsOnEveryInstance() throws Exception {
        Instance a = instance("a");
        Instance b = instance("b");
        Peer ann = Peer.connect(client, a.url("topic=room:1&name=ann&user=u1"));
        Peer bob = Peer.connect(client, b.url("topic=room:1&name=bob"));
        awaitSubscribed(a, ann, "room:1");
        awaitSubscribed(b, bob, "room:1");
        await("both joins on both instances", () -> a.presence.size() == 2 && b.presence.size() == 2, Duration.ofSeconds(5));
        for (Instance i : List.of(a, b)) {
            List<PresenceMember> members = i.server.presence("room:1").get(5, TimeUnit.SECONDS);
            assertThat(members).extracting(m -> m.instance() + " " + m.info() + " " + m.userId())
                    .containsExactlyInAnyOrder("a ann u1", "b bob null");
        }
        bob.connection.close();
        await("bob's leave on both", () -> a.presence.size() == 3 && b.presence.size() == 3, Duration.ofSeconds(5));
        assertThat(a.presence.get(2)).extracting(PresenceEvent::kind).isEqualTo(PresenceEvent.Kind.LEAVE);
        assertThat(a.presence.get(2).member().info()).isEqualTo("bob");
        assertThat(a.server.presence("room:1").get(5, TimeUnit.SECONDS)).extracting(PresenceMember::info).containsExactly("ann");
    }

    @Test
    void whenRedisGoesAwayLocalDeliveryGoesOnPublishesFailAndDeliveryResumesWhenItIsBack() throws Exception {
        Instance a = instance("a");
        Instance b = instance("b");
        Peer onA = Peer.connect(client, a.url("topic=news"));
        Peer onB = Peer.connect(client, b.url("topic=news"));
        awaitSubscribed(a, onA, "news");
        awaitSubscribed(b, onB, "news");
        a.server.publish("news", "before").get(5, TimeUnit.SECONDS);
        assertThat(onA.next()).isEqualTo("before");
        assertThat(onB.next()).isEqualTo("before");

        redis.kill();
        await("a sees Redis gone", () -> !a.engine.isConnected(), Duration.ofSeconds(10));
        assertThat(a.server.broker().isConnected()).isFalse();
        CompletableFuture<Integer> during = a.server.publish("news", "during");
        assertThatThrownBy(() -> during.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(ClusterException.class).hasMessageContaining("redis 127.0.0.1:" + redis.port());
        assertThat(onA.next()).as("local delivery goes on").isEqualTo("during");
        assertThat(onB.poll(300)).as("no way to the other instance").isNull();
        assertThat(a.failed.get()).isGreaterThanOrEqualTo(1);

        redis.startProcess();
        await("a and b reconnected", () -> a.engine.isConnected() && b.engine.isConnected(), Duration.ofSeconds(30));
        // resubscribed by the engine: cross-instance delivery resumes without a restart
        await("news channel subscribed again by both",
                () -> redis.command("PUBSUB NUMSUB ws:t:news") != null && redis.channels("ws:t:*").contains("ws:t:news")
                        && numsub("ws:t:news") == 2, Duration.ofSeconds(10));
        a.server.publish("news", "after").get(5, TimeUnit.SECONDS);
        assertThat(onA.next()).isEqualTo("after");
        assertThat(onB.next()).isEqualTo("after");
        assertThat(a.states).containsSubsequence(false, true);
    }

    @Test
    void anUnreachableRedisFailsTheStartWithAMessageNamingIt() throws Exception {
        int port = redis.port();
        redis.kill();
        Instance broken = new Instance(redis, "x", HISTORY, Duration.ofSeconds(3));
        assertThatThrownBy(broken.server::start).isInstanceOf(ClusterException.class)
                .hasMessageContaining("Cannot connect to redis 127.0.0.1:" + port);
        assertThat(broken.server.isRunning()).isFalse();
        redis.startProcess();
    }

    private int numsub(String channel) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", redis.port())) {
            s.setSoTimeout(2000);
            s.getOutputStream().write(("PUBSUB NUMSUB " + channel + "\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[256];
            int n = s.getInputStream().read(buf);
            String[] lines = new String(buf, 0, n, StandardCharsets.US_ASCII).split("\r\n");
            return Integer.parseInt(lines[lines.length - 1].substring(1));
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private static String since(String topic, long offset, String epoch) {
        return "ws-since=" + URLEncoder.encode(topic + "~" + offset + "~" + epoch, StandardCharsets.UTF_8);
    }
}
