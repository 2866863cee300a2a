package dev.seed.websocket.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.sample.support.JsonPeer;
import dev.seed.websocket.sample.support.RunningApp;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What the web server serves: the page, the client library, /config.json and the actuator. */
class ApplicationEndpointsTest {

    private static RunningApp app;
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        app = RunningApp.launch("--websocket.server.idle-timeout=10s");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(app.http(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void serves_the_page_and_the_client_library_with_its_documentation() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("<title>WebSocket chat</title>", "js/chat.js");

        HttpResponse<String> library = get("/js/websocket-client.js");
        assertThat(library.statusCode()).isEqualTo(200);
        assertThat(library.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("javascript"));
        assertThat(library.body()).contains("export class WebSocketClient");

        HttpResponse<String> docs = get("/js/websocket-client-js/README.md");
        assertThat(docs.statusCode()).isEqualTo(200);
        assertThat(docs.body()).contains("# websocket-client.js");
    }

    @Test
    void config_json_tells_the_page_where_the_websocket_server_is_and_keeps_the_heartbeat_under_the_idle_timeout()
            throws Exception {
        HttpResponse<String> response = get("/config.json");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode config = JsonMapper.builder().build().readTree(response.body());
        assertThat(config.path("websocket").path("port").asInt()).isEqualTo(app.websocketPort());
        assertThat(config.path("websocket").path("chatPath").asString()).isEqualTo("/chat/");
        assertThat(config.path("websocket").path("subprotocol").asString()).isEqualTo("chat.v1");
        assertThat(config.path("heartbeat").path("interval").asLong()).isEqualTo(5000);
        assertThat(config.path("reconnect").path("initialDelay").asLong()).isEqualTo(500);
        assertThat(config.path("reconnect").path("maxDelay").asLong()).isEqualTo(15000);
        assertThat(config.path("chat").path("maxQueuedMessages").asInt()).isEqualTo(18);
    }

    @Test
    void actuator_exposes_health_and_the_websocket_meters() throws Exception {
        HttpResponse<String> health = get("/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(JsonMapper.builder().build().readTree(health.body()).path("status").asString()).isEqualTo("UP");

        // one connection opened and closed, so the connection meters have something to count
        try (WebSocketClient client = WebSocketClient.builder().build();
                JsonPeer peer = JsonPeer.connect(client, app, "/echo")) {
            peer.sendText("count me");
            assertThat(peer.nextRaw()).isEqualTo("count me");
            peer.connection().close().join();
            peer.awaitClose();
        }
        String metrics = awaitMetric("websocket_connections_closed");
        assertThat(metrics).contains("websocket_connections_closed");

        assertThat(get("/actuator/env").statusCode()).as("only health and prometheus are exposed").isEqualTo(404);
    }

    private static String awaitMetric(String name) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = get("/actuator/prometheus");
            assertThat(response.statusCode()).isEqualTo(200);
            body = response.body();
            if (body.contains(name)) {
                return body;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("/actuator/prometheus has no " + name + " meter:\n" + body);
    }

    @Test
    void the_allowed_origins_and_the_frame_limit_follow_the_ports_and_limits_given_on_the_command_line() {
        var env = app.context().getEnvironment();
        assertThat(env.getProperty("local.websocket.server.port", Integer.class)).isEqualTo(app.websocketPort());
        assertThat(env.getProperty("websocket.server.allowed-origins[0]")).isEqualTo(app.origin());
        assertThat(env.getProperty("websocket.server.allowed-origins[1]"))
                .isEqualTo("http://localhost:" + app.webPort());
        assertThat(env.getProperty("websocket.server.max-frame-size")).isEqualTo("16MB");
    }
}
