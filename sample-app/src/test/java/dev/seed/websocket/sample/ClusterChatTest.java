package dev.seed.websocket.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.redis.RedisServer;
import dev.seed.websocket.sample.support.JsonPeer;
import dev.seed.websocket.sample.support.RunningApp;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Two instances of the sample on one real Redis behave as one chat: members on either see each
 * other in the member list, each other's messages in one order, the shared history on join; a
 * page that comes back on the other instance gets what it missed; and the people of an instance
 * killed with SIGKILL (a JVM of its own) leave the room.
 */
class ClusterChatTest {

    private static final Duration PRESENCE_TTL = Duration.ofSeconds(3);

    private static RedisServer redis;
    private static RunningApp a;
    private static RunningApp b;
    private static WebSocketClient client;

    private static String[] cluster(String instance) {
        return new String[] {"--websocket.cluster.type=redis", "--spring.data.redis.host=127.0.0.1",
                "--spring.data.redis.port=" + redis.port(), "--websocket.cluster.instance-id=" + instance,
                "--websocket.cluster.presence-ttl=" + PRESENCE_TTL.toMillis() + "ms", "--sample.chat.history-size=5"};
    }

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        a = RunningApp.launch(cluster("a"));
        b = RunningApp.launch(cluster("b"));
        client = WebSocketClient.builder().build();
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        a.close();
        b.close();
        redis.close();
    }

    private static JsonPeer join(RunningApp app, String room, String name, String query) throws Exception {
        JsonPeer peer = JsonPeer.connect(client, app, "/chat/" + room + query, "chat.v1");
        peer.send(Map.of("type", "join", "name", name));
        return peer;
    }

    private static List<String> strings(JsonNode array) {
        return array.valueStream().map(JsonNode::asString).toList();
    }

    @Test
    void membersOnTwoInstancesSeeEachOtherAndEveryMessageInOneOrder() throws Exception {
        try (JsonPeer ada = join(a, "tea", "ada", "")) {
            // Bob joins once ada has her welcome: had he joined first, she would learn of him from
            // the welcome's members, not from a "joined" event.
            ada.next("welcome");
            try (JsonPeer bob = join(b, "tea", "bob", "")) {
                assertThat(strings(bob.next("welcome").path("members"))).containsExactly("ada", "bob");
                JsonNode joined = ada.next("joined");
                assertThat(joined.path("name").asString()).isEqualTo("bob");
                assertThat(strings(joined.path("members"))).containsExactly("ada", "bob");

                int each = 15; // with the join, within the burst a member may send at once (20)
                for (int i = 1; i <= each; i++) {
                    ada.send(Map.of("type", "message", "text", "ada " + i));
                    bob.send(Map.of("type", "message", "text", "bob " + i));
                }
                List<String> seenByAda = new ArrayList<>();
                List<String> seenByBob = new ArrayList<>();
                for (int i = 0; i < 2 * each; i++) {
                    seenByAda.add(ada.next("message").path("text").asString());
                    seenByBob.add(bob.next("message").path("text").asString());
                }
                assertThat(seenByBob).as("one order on both instances").isEqualTo(seenByAda);
                for (String who : List.of("ada", "bob")) {
                    List<String> own = seenByAda.stream().filter(t -> t.startsWith(who)).toList();
                    assertThat(own).as("every message once, in the sender's order")
                            .isEqualTo(java.util.stream.IntStream.rangeClosed(1, each).mapToObj(i -> who + " " + i).toList());
                }
                bob.close();
                JsonNode left = ada.next("left");
                assertThat(left.path("name").asString()).isEqualTo("bob");
                assertThat(strings(left.path("members"))).containsExactly("ada");
            }
        }
    }

    @Test
    void aNewcomerOnTheOtherInstanceGetsTheSharedHistory() throws Exception {
        try (JsonPeer ada = join(a, "history", "ada", "")) {
            ada.next("welcome");
            for (int i = 1; i <= 7; i++) {
                ada.send(Map.of("type", "message", "text", "m" + i));
                ada.next("message");
            }
            try (JsonPeer late = join(b, "history", "late", "")) {
                JsonNode history = late.next("welcome").path("history");
                assertThat(history.valueStream().map(m -> m.path("text").asString()).toList())
                        .as("the last five, oldest first").containsExactly("m3", "m4", "m5", "m6", "m7");
            }
        }
    }

    @Test
    void aPageThatComesBackOnTheOtherInstanceGetsWhatItMissedThenTheNotice() throws Exception {
        try (JsonPeer ada = join(a, "away", "ada", "")) {
            ada.next("welcome");
            String position;
            try (JsonPeer bob = join(a, "away", "bob", "")) {
                bob.next("welcome");
                ada.send(Map.of("type", "message", "text", "before"));
                bob.next("message");
                position = bob.positions().get("chat:away");
                assertThat(position).isNotNull();
            }
            for (int i = 1; i <= 3; i++) {
                ada.send(Map.of("type", "message", "text", "missed " + i));
                ada.next("message");
            }
            String since = "?ws-since=" + URLEncoder.encode("chat:away~" + position, StandardCharsets.UTF_8);
            try (JsonPeer back = join(b, "away", "bob", since)) {
                for (int i = 1; i <= 3; i++) {
                    assertThat(back.next().path("text").asString()).isEqualTo("missed " + i);
                }
                JsonNode notice = back.next().path("ws.recovery");
                assertThat(notice.path("recovered").asBoolean()).isTrue();
                assertThat(notice.path("missed").asInt()).isEqualTo(3);
                assertThat(strings(back.next("welcome").path("members"))).containsExactly("ada", "bob");
            }
        }
    }

    @Test
    void thePeopleOfAKilledInstanceLeaveTheRoom() throws Exception {
        int web;
        int ws;
        try (ServerSocket s1 = new ServerSocket(0); ServerSocket s2 = new ServerSocket(0)) {
            web = s1.getLocalPort();
            ws = s2.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java", "-Xmx256m", "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                SampleApplication.class.getName(), "--server.address=127.0.0.1", "--server.port=" + web,
                "--websocket.server.address=127.0.0.1", "--websocket.server.port=" + ws,
                "--websocket.server.allowed-origins=" + a.origin(), "--spring.main.banner-mode=off"));
        command.addAll(List.of(cluster("doomed")));
        Process doomed = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(doomed.getInputStream(), StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String line;
            boolean started = false;
            while (!started && System.nanoTime() < deadline && (line = out.readLine()) != null) {
                started = line.contains("Started SampleApplication");
            }
            assertThat(started).as("the other JVM started the sample").isTrue();
            Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "doomed-output");
            drain.setDaemon(true);
            drain.start();

            try (JsonPeer ada = join(a, "crash", "ada", "");
                    JsonPeer zed = JsonPeer.connect(client, a, "/chat/crash", "chat.v1")) {
                ada.next("welcome");
                zed.close();
                // zed's twin on the doomed instance, through its own port
                dev.seed.websocket.WebSocketConnection onDoomed = client.connect(
                        java.net.URI.create("ws://127.0.0.1:" + ws + "/chat/crash"),
                        dev.seed.websocket.ConnectOptions.builder().origin(a.origin()).subprotocols("chat.v1").build(),
                        new dev.seed.websocket.WebSocketHandler() {
                        }).get(10, TimeUnit.SECONDS);
                onDoomed.sendText("{\"type\":\"join\",\"name\":\"zed\"}");
                assertThat(strings(ada.next("joined").path("members"))).containsExactly("ada", "zed");

                long killedAt = System.nanoTime();
                doomed.destroyForcibly();
                assertThat(doomed.waitFor(10, TimeUnit.SECONDS)).isTrue();
                JsonNode left = ada.next("left");
                double seconds = (System.nanoTime() - killedAt) / 1e9;
                assertThat(left.path("name").asString()).isEqualTo("zed");
                assertThat(strings(left.path("members"))).containsExactly("ada");
                assertThat(seconds).as("left %.1f s after the kill", seconds)
                        .isLessThan(PRESENCE_TTL.toMillis() / 1000.0 + 2.5);
            }
        } finally {
            doomed.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
