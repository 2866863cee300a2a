package dev.seed.websocket.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.SubscribeOptions;
import dev.seed.websocket.SubscribeResult;
import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.it.RecordingHandler;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Topics with history, recovery and presence on a single instance (the default in-memory broker
 * and presence), through real connections: what a recoverable subscription receives, byte for
 * byte, and what a reconnecting one gets back.
 */
class InMemoryClusterTest {

    private static final String TOPIC = "room:1";

    private WebSocketServer server;
    private final WebSocketClient client = WebSocketClient.create();
    private final List<PresenceEvent> presenceEvents = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<SubscribeResult>> results = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        client.close();
        if (server != null) {
            server.shutdown(Duration.ofSeconds(2));
        }
    }

    /** A server whose /sub route subscribes each connection to TOPIC: recoverable with ?mode=r, with presence as ?name=. */
    private void start(HistoryPolicy history) {
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .history(history)
                .onPresence(presenceEvents::add)
                .route("/sub", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocketConnection c) {
                        String mode = c.request().queryParameters().getOrDefault("mode", List.of("p")).get(0);
                        SubscribeOptions o = mode.equals("r") ? SubscribeOptions.recoverable() : SubscribeOptions.plain();
                        List<String> name = c.request().queryParameters().get("name");
                        if (name != null) {
                            o = o.withPresence(name.get(0));
                        }
                        results.add(c.subscribe(TOPIC, o));
                    }

                    @Override
                    public void onText(WebSocketConnection c, String text) {
                        server.publish(TOPIC, text, c);
                    }
                }).build().start();
    }

    private RecordingHandler connect(String query) throws Exception {
        RecordingHandler h = new RecordingHandler();
        client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/sub" + query), h).get(5, TimeUnit.SECONDS);
        results.get(results.size() - 1).get(5, TimeUnit.SECONDS);
        return h;
    }

    private static String since(String topic, long offset, String epoch) {
        return "ws-since=" + URLEncoder.encode(topic + "~" + offset + "~" + epoch, StandardCharsets.UTF_8);
    }

    @Test
    void plainSubscribersGetThePayloadAndRecoverableOnesTheEnvelopeWithConsecutiveOffsets() throws Exception {
        start(HistoryPolicy.all(100, Duration.ofMinutes(5)));
        RecordingHandler plain = connect("");
        RecordingHandler positioned = connect("?mode=r");
        String tricky = "say \"hi\"\\ \n\t\u0001 caf\u00e9 \uD83D\uDE00";
        server.publish(TOPIC, tricky).get(5, TimeUnit.SECONDS);
        for (int i = 2; i <= 10; i++) {
            server.publish(TOPIC, "m" + i).get(5, TimeUnit.SECONDS);
        }
        assertThat(plain.nextText()).isEqualTo(tricky);
        Envelope first = Envelope.parse(positioned.nextText());
        assertThat(first.topic()).isEqualTo(TOPIC);
        assertThat(first.offset()).isEqualTo(1);
        assertThat(first.data()).isEqualTo(tricky);
        for (int i = 2; i <= 10; i++) {
            assertThat(plain.nextText()).isEqualTo("m" + i);
            Envelope e = Envelope.parse(positioned.nextText());
            assertThat(e.offset()).isEqualTo(i);
            assertThat(e.epoch()).isEqualTo(first.epoch());
            assertThat(e.data()).isEqualTo("m" + i);
        }
        History h = server.history(TOPIC, 3).get(5, TimeUnit.SECONDS);
        assertThat(h.publications()).extracting(Publication::offset).containsExactly(8L, 9L, 10L);
        assertThat(h.top()).isEqualTo(new TopicPosition(10, first.epoch()));
    }

    @Test
    void aReconnectingSubscriberGetsWhatItMissedInOrderOnceThenTheNoticeThenLivePublications() throws Exception {
        start(HistoryPolicy.all(100, Duration.ofMinutes(5)));
        RecordingHandler live = connect("?mode=r");
        for (int i = 1; i <= 10; i++) {
            server.publish(TOPIC, "m" + i).get(5, TimeUnit.SECONDS);
        }
        String epoch = null;
        for (int i = 1; i <= 10; i++) {
            epoch = Envelope.parse(live.nextText()).epoch();
        }
        RecordingHandler back = connect("?mode=r&" + since(TOPIC, 4, epoch));
        SubscribeResult r = results.get(results.size() - 1).get();
        assertThat(r.recovery()).isEqualTo(SubscribeResult.Recovery.RECOVERED);
        assertThat(r.missed()).isEqualTo(6);
        for (int i = 5; i <= 10; i++) {
            Envelope e = Envelope.parse(back.nextText());
            assertThat(e.offset()).isEqualTo(i);
            assertThat(e.data()).isEqualTo("m" + i);
        }
        assertThat(Envelope.notice(back.nextText()))
                .isEqualTo(new Envelope.Notice(TOPIC, true, 6, 10, epoch));
        server.publish(TOPIC, "m11").get(5, TimeUnit.SECONDS);
        assertThat(Envelope.parse(back.nextText()).offset()).isEqualTo(11);
        back.assertExhausted();
    }

    @Test
    void aSubscriberUpToDateRecoversNothingAndOneAheadOfTheStreamIsNotRecovered() throws Exception {
        start(HistoryPolicy.all(100, Duration.ofMinutes(5)));
        RecordingHandler live = connect("?mode=r");
        server.publish(TOPIC, "m1").get(5, TimeUnit.SECONDS);
        String epoch = Envelope.parse(live.nextText()).epoch();
        RecordingHandler upToDate = connect("?mode=r&" + since(TOPIC, 1, epoch));
        assertThat(Envelope.notice(upToDate.nextText())).isEqualTo(new Envelope.Notice(TOPIC, true, 0, 1, epoch));
        RecordingHandler ahead = connect("?mode=r&" + since(TOPIC, 7, epoch));
        assertThat(Envelope.notice(ahead.nextText())).isEqualTo(new Envelope.Notice(TOPIC, false, 0, 1, epoch));
    }

    @Test
    void aTrimmedHistoryOrAnotherEpochIsNotRecoveredAndSaysWhereTheStreamStands() throws Exception {
        start(HistoryPolicy.all(5, Duration.ofMinutes(5)));
        RecordingHandler live = connect("?mode=r");
        for (int i = 1; i <= 20; i++) {
            server.publish(TOPIC, "m" + i).get(5, TimeUnit.SECONDS);
        }
        String epoch = null;
        for (int i = 1; i <= 20; i++) {
            epoch = Envelope.parse(live.nextText()).epoch();
        }
        RecordingHandler trimmed = connect("?mode=r&" + since(TOPIC, 3, epoch));
        assertThat(Envelope.notice(trimmed.nextText())).isEqualTo(new Envelope.Notice(TOPIC, false, 0, 20, epoch));
        assertThat(results.get(results.size() - 1).get().recovery()).isEqualTo(SubscribeResult.Recovery.NOT_RECOVERED);
        // the newest five are still there: a position inside them recovers
        RecordingHandler inside = connect("?mode=r&" + since(TOPIC, 16, epoch));
        for (int i = 17; i <= 20; i++) {
            assertThat(Envelope.parse(inside.nextText()).offset()).isEqualTo(i);
        }
        assertThat(Envelope.notice(inside.nextText()).recovered()).isTrue();
        RecordingHandler otherEpoch = connect("?mode=r&" + since(TOPIC, 18, "not" + epoch));
        assertThat(Envelope.notice(otherEpoch.nextText())).isEqualTo(new Envelope.Notice(TOPIC, false, 0, 20, epoch));
    }

    @Test
    void liveSendsDuringARecoveryAreNeitherLostNorDuplicated() throws Exception {
        start(HistoryPolicy.all(10_000, Duration.ofMinutes(5)));
        RecordingHandler live = connect("?mode=r");
        server.publish(TOPIC, "m1").get(5, TimeUnit.SECONDS);
        String epoch = Envelope.parse(live.nextText()).epoch();
        int total = 3_000;
        CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
            for (int i = 2; i <= total; i++) {
                server.publish(TOPIC, "m" + i).join();
            }
        });
        List<RecordingHandler> recovering = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            recovering.add(connect("?mode=r&" + since(TOPIC, 1, epoch)));
        }
        publisher.get(30, TimeUnit.SECONDS);
        for (RecordingHandler h : recovering) {
            long expected = 2;
            boolean noticed = false;
            while (expected <= total) {
                String text = h.nextText();
                if (text.startsWith("{\"ws.recovery\"")) {
                    assertThat(noticed).isFalse();
                    Envelope.Notice n = Envelope.notice(text);
                    assertThat(n.recovered()).isTrue();
                    assertThat(n.offset()).isEqualTo(expected - 1);
                    noticed = true;
                    continue;
                }
                Envelope e = Envelope.parse(text);
                assertThat(e.offset()).as("offsets in order, once, none missing").isEqualTo(expected);
                assertThat(e.data()).isEqualTo("m" + expected);
                expected++;
            }
            if (!noticed) {
                assertThat(Envelope.notice(h.nextText()).offset()).isEqualTo(total);
            }
        }
    }

    @Test
    void subscribingAgainOnTheSameConnectionDoesNotReplayTheHandshakePosition() throws Exception {
        start(HistoryPolicy.all(100, Duration.ofMinutes(5)));
        RecordingHandler live = connect("?mode=r");
        for (int i = 1; i <= 3; i++) {
            server.publish(TOPIC, "m" + i).get(5, TimeUnit.SECONDS);
        }
        String epoch = null;
        for (int i = 1; i <= 3; i++) {
            epoch = Envelope.parse(live.nextText()).epoch();
        }
        RecordingHandler back = connect("?mode=r&" + since(TOPIC, 1, epoch));
        assertThat(Envelope.parse(back.nextText()).offset()).isEqualTo(2);
        assertThat(Envelope.parse(back.nextText()).offset()).isEqualTo(3);
        assertThat(Envelope.notice(back.nextText()).recovered()).isTrue();
        WebSocketConnection onServer = server.subscribers(TOPIC).stream()
                .filter(c -> c.request().query() != null && c.request().query().contains("ws-since")).findFirst().orElseThrow();
        onServer.unsubscribe(TOPIC);
        SubscribeResult again = onServer.subscribe(TOPIC, SubscribeOptions.recoverable()).get(5, TimeUnit.SECONDS);
        assertThat(again.recovery()).isEqualTo(SubscribeResult.Recovery.NOT_ASKED);
        server.publish(TOPIC, "m4").get(5, TimeUnit.SECONDS);
        assertThat(Envelope.parse(back.nextText()).offset()).as("no replay of m2 and m3").isEqualTo(4);
    }

    @Test
    void presenceListsTheMembersAndTellsJoinsAndLeavesIncludingAClosedConnection() throws Exception {
        start(HistoryPolicy.none());
        connect("?name=ann");
        RecordingHandler bob = connect("?name=bob");
        connect("");
        List<PresenceMember> members = server.presence(TOPIC).get(5, TimeUnit.SECONDS);
        assertThat(members).extracting(PresenceMember::info).containsExactly("ann", "bob");
        assertThat(members).allSatisfy(m -> assertThat(m.instance()).isEqualTo(server.instanceId()));
        bob.opened.get().close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (presenceEvents.size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(presenceEvents).extracting(e -> e.kind() + " " + e.member().info())
                .containsExactly("JOIN ann", "JOIN bob", "LEAVE bob");
        assertThat(server.presence(TOPIC).get(5, TimeUnit.SECONDS)).extracting(PresenceMember::info).containsExactly("ann");
    }

    @Test
    void aTopicWithoutHistoryIsDeliveredAsPublishedEvenToARecoverableSubscriber() throws Exception {
        start(HistoryPolicy.of(new HistoryPolicy.Rule("chat:", 10, Duration.ofMinutes(1))));
        RecordingHandler r = connect("?mode=r&" + since(TOPIC, 3, "e"));
        assertThat(Envelope.notice(r.nextText()).recovered()).isFalse();
        server.publish(TOPIC, "raw").get(5, TimeUnit.SECONDS);
        assertThat(r.nextText()).isEqualTo("raw");
        assertThat(server.history(TOPIC, 10).get().publications()).isEmpty();
    }
}
