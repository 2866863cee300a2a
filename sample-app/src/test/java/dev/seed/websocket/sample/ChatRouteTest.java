package dev.seed.websocket.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seed.websocket.ConnectOptions;
import dev.seed.websocket.HandshakeFailedException;
import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.sample.support.JsonPeer;
import dev.seed.websocket.sample.support.RunningApp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The chat route over real sockets, with the core's client as the peer. */
class ChatRouteTest {

    private static RunningApp app;
    private static WebSocketClient client;

    @BeforeAll
    static void start() {
        app = RunningApp.launch("--sample.chat.history-size=3");
        client = WebSocketClient.builder().build();
    }

    @AfterAll
    static void stop() {
        client.close();
        app.close();
    }

    private static JsonPeer join(String room, String name) throws Exception {
        JsonPeer peer = JsonPeer.connect(client, app, "/chat/" + room, "chat.v1");
        peer.send(Map.of("type", "join", "name", name));
        return peer;
    }

    private static List<String> strings(JsonNode array) {
        return array.valueStream().map(JsonNode::asString).toList();
    }

    @Test
    void members_see_each_others_messages_and_comings_and_goings() throws Exception {
        try (JsonPeer ada = join("tea", "ada")) {
            JsonNode welcome = ada.next();
            assertThat(welcome.path("type").asString()).isEqualTo("welcome");
            assertThat(welcome.path("room").asString()).isEqualTo("tea");
            assertThat(strings(welcome.path("members"))).containsExactly("ada");
            assertThat(welcome.path("history").isEmpty()).isTrue();
            assertThat(ada.connection().subprotocol()).isEqualTo("chat.v1");

            JsonPeer bob = join("tea", "bob");
            assertThat(strings(bob.next("welcome").path("members"))).containsExactly("ada", "bob");
            JsonNode joined = ada.next();
            assertThat(joined.path("type").asString()).isEqualTo("joined");
            assertThat(joined.path("name").asString()).isEqualTo("bob");
            assertThat(strings(joined.path("members"))).containsExactly("ada", "bob");

            bob.send(Map.of("type", "message", "text", "hello \u00e0 tous \uD83D\uDE00", "ref", "b-1"));
            for (JsonPeer p : List.of(ada, bob)) {
                JsonNode m = p.next();
                assertThat(m.path("type").asString()).isEqualTo("message");
                assertThat(m.path("name").asString()).isEqualTo("bob");
                assertThat(m.path("text").asString()).isEqualTo("hello \u00e0 tous \uD83D\uDE00");
                assertThat(m.path("ref").asString()).isEqualTo("b-1");
                assertThat(m.path("room").asString()).isEqualTo("tea");
                assertThat(m.path("id").asString()).isNotEmpty();
            }
            ada.send(Map.of("type", "message", "text", "hi bob"));
            assertThat(bob.next().path("text").asString()).isEqualTo("hi bob");
            assertThat(ada.next().path("text").asString()).isEqualTo("hi bob");

            bob.close();
            JsonNode left = ada.next();
            assertThat(left.path("type").asString()).isEqualTo("left");
            assertThat(left.path("name").asString()).isEqualTo("bob");
            assertThat(strings(left.path("members"))).containsExactly("ada");
            ada.assertNothingWithin(Duration.ofMillis(200));
        }
    }

    @Test
    void whoever_joins_gets_the_last_messages_of_the_room_in_order() throws Exception {
        try (JsonPeer ada = join("history", "ada")) {
            ada.next("welcome");
            for (int i = 1; i <= 5; i++) {
                ada.send(Map.of("type", "message", "text", "m" + i));
                assertThat(ada.next().path("text").asString()).isEqualTo("m" + i);
            }
            try (JsonPeer late = join("history", "late")) {
                JsonNode history = late.next("welcome").path("history");
                assertThat(history.valueStream().map(m -> m.path("text").asString()).toList())
                        .containsExactly("m3", "m4", "m5");
                assertThat(history.valueStream().map(m -> m.path("name").asString()).distinct().toList())
                        .containsExactly("ada");
            }
        }
    }

    @Test
    void rooms_are_separate() throws Exception {
        try (JsonPeer a = join("north", "a"); JsonPeer b = join("south", "b")) {
            a.next("welcome");
            b.next("welcome");
            a.send(Map.of("type", "message", "text", "only north"));
            assertThat(a.next().path("text").asString()).isEqualTo("only north");
            b.assertNothingWithin(Duration.ofMillis(300));
        }
    }

    @Test
    void wrong_requests_get_an_error_and_the_connection_stays() throws Exception {
        try (JsonPeer p = JsonPeer.connect(client, app, "/chat/errors")) {
            p.send(Map.of("type", "message", "text", "too early"));
            assertThat(p.next("error").path("message").asString()).isEqualTo("Join the room before sending");
            p.sendText("not json");
            assertThat(p.next("error").path("message").asString()).contains("JSON");
            p.send(Map.of("type", "dance"));
            assertThat(p.next("error").path("message").asString()).isEqualTo("Unknown message type: dance");
            p.send(Map.of("type", "join", "name", "   "));
            assertThat(p.next("error").path("message").asString()).startsWith("A name is 1-32 characters");
            p.send(Map.of("type", "join", "name", "x".repeat(33)));
            assertThat(p.next("error").path("message").asString()).startsWith("A name is 1-32 characters");
            p.send(Map.of("type", "ping"));
            assertThat(p.next().path("type").asString()).isEqualTo("pong");

            p.send(Map.of("type", "join", "name", "  carol  "));
            assertThat(p.next("welcome").path("name").asString()).isEqualTo("carol");
            p.send(Map.of("type", "join", "name", "again"));
            assertThat(p.next("error").path("message").asString()).isEqualTo("Already joined");
            p.send(Map.of("type", "message", "text", "y".repeat(2001)));
            assertThat(p.next("error").path("message").asString()).isEqualTo("Messages are at most 2000 characters");
            assertThat(p.connection().isOpen()).isTrue();
            assertThat(p.connection().subprotocol()).as("no subprotocol asked, none chosen").isNull();
        }
    }

    @Test
    void an_invalid_room_name_is_closed_with_1008() throws Exception {
        try (JsonPeer p = JsonPeer.connect(client, app, "/chat/" + "r".repeat(33))) {
            JsonPeer.Closed closed = p.awaitClose();
            assertThat(closed.code()).isEqualTo(1008);
            assertThat(closed.reason()).contains("Room names");
        }
    }

    @Test
    void a_binary_message_is_closed_with_1003() throws Exception {
        try (JsonPeer p = join("binary", "dora")) {
            p.next("welcome");
            p.connection().sendBinary("{}".getBytes(StandardCharsets.UTF_8));
            JsonPeer.Closed closed = p.awaitClose();
            assertThat(closed.code()).isEqualTo(1003);
        }
    }

    @Test
    void a_member_who_floods_the_room_is_closed_with_1008() throws Exception {
        try (JsonPeer p = join("flood", "eve")) {
            p.next("welcome");
            for (int i = 0; i < 200 && p.connection().isOpen(); i++) {
                p.connection().sendText("{\"type\":\"message\",\"text\":\"spam " + i + "\"}");
            }
            JsonPeer.Closed closed = p.awaitClose();
            assertThat(closed.code()).isEqualTo(1008);
            assertThat(closed.reason()).isEqualTo("Too many messages");
        }
    }

    @Test
    void a_page_from_another_origin_is_refused_with_403() {
        ConnectOptions options = ConnectOptions.builder().origin("http://evil.example").build();
        assertThatThrownBy(() -> client.connect(app.ws("/chat/lobby"), options, new NeverOpenedHandler())
                .get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(HandshakeFailedException.class, e -> assertThat(e.status()).isEqualTo(403));
    }

    /** A handler for a connection that must not open. */
    private static final class NeverOpenedHandler implements WebSocketHandler {
    }
}
