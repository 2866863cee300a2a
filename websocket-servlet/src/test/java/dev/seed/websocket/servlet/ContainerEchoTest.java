package dev.seed.websocket.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.it.RecordingHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Our routes on a container's port: echo, compression, refusals, and the application's pages beside them. */
class ContainerEchoTest extends ContainerTestBase {


    private void start(Container.Kind kind) throws Exception {
        server = WebSocketServer.builder().listen(false)
                .extensions("permessage-deflate; client_max_window_bits")
                .route("/echo/{room}", new WebSocketHandler() {
                    @Override
                    public void onText(WebSocketConnection c, String text) {
                        c.sendText(c.request().pathVariables().get("room") + ":" + text);
                    }

                    @Override
                    public void onBinary(WebSocketConnection c, ByteBuffer data) {
                        c.sendBinary(data);
                    }
                })
                .build().start();
        // behind a filter that wraps the request, as Spring Security's chain does
        container = Container.start(kind, List.of(new Container.WrappingFilter(), Container.upgradeFilter(kind, server)));
        client = WebSocketClient.builder().extensions("permessage-deflate; client_max_window_bits").build();
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void echoesTextAndBinaryWithCompression(Container.Kind kind) throws Exception {
        start(kind);
        RecordingHandler h = new RecordingHandler();
        WebSocketConnection c = client.connect(URI.create("ws://127.0.0.1:" + container.port() + "/echo/lobby"), h)
                .get(10, TimeUnit.SECONDS);
        assertThat(c.extensions()).anyMatch(e -> e.startsWith("permessage-deflate"));
        String big = "x".repeat(200_000);
        for (int i = 0; i < 50; i++) {
            c.sendText("hello " + i);
        }
        c.sendText(big);
        byte[] bin = new byte[300_000];
        new java.util.Random(1).nextBytes(bin);
        c.sendBinary(ByteBuffer.wrap(bin));
        for (int i = 0; i < 50; i++) {
            RecordingHandler.Event e = h.next();
            assertThat(e.type()).as("event %s", e.value()).isEqualTo("text");
            assertThat(e.text()).isEqualTo("lobby:hello " + i);
        }
        assertThat(h.next().text()).isEqualTo("lobby:" + big);
        assertThat(h.next().bytes()).isEqualTo(bin);
        assertThat(server.connections()).hasSize(1);
        c.close(1000, "bye");
        assertThat(h.closed.get(10, TimeUnit.SECONDS).code()).isEqualTo(1000);
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void connectionsOneAfterAnotherOnEveryLoop(Container.Kind kind) throws Exception {
        start(kind);
        for (int i = 0; i < 6; i++) {
            RecordingHandler h = new RecordingHandler();
            WebSocketConnection c = client.connect(URI.create("ws://127.0.0.1:" + container.port() + "/echo/r" + i), h)
                    .get(10, TimeUnit.SECONDS);
            c.sendText("m");
            RecordingHandler.Event e = h.next();
            assertThat(e).as("connection %d", i).isNotNull();
            assertThat(e.type()).as("connection %d: %s", i, e.value()).isEqualTo("text");
            assertThat(e.text()).isEqualTo("r" + i + ":m");
            c.close(1000, "bye");
            assertThat(h.closed.get(10, TimeUnit.SECONDS).code()).isEqualTo(1000);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void pathParametersAreNotPartOfTheRoute(Container.Kind kind) throws Exception {
        start(kind);
        RecordingHandler h = new RecordingHandler();
        WebSocketConnection c = client.connect(
                URI.create("ws://127.0.0.1:" + container.port() + "/echo/lobby;jsessionid=A1B2C3"), h)
                .get(10, TimeUnit.SECONDS);
        c.sendText("hi");
        assertThat(h.next().text()).isEqualTo("lobby:hi");
        c.close(1000, "bye");
        assertThat(h.closed.get(10, TimeUnit.SECONDS).code()).isEqualTo(1000);
        if (kind == Container.Kind.JETTY) {
            return; // Jetty answers the next one itself: 400, an ambiguous empty segment
        }
        // a segment that is only a parameter is no segment (as Tomcat maps it)
        RecordingHandler h2 = new RecordingHandler();
        WebSocketConnection c2 = client.connect(
                URI.create("ws://127.0.0.1:" + container.port() + "/echo/;v=1/hall"), h2).get(10, TimeUnit.SECONDS);
        c2.sendText("hi");
        assertThat(h2.next().text()).isEqualTo("hall:hi");
        c2.close(1000, "bye");
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void beforeTheServerStartsAndAfterItStopsWebSocketRequestsToARouteGet503(Container.Kind kind) throws Exception {
        server = WebSocketServer.builder().listen(false).route("/echo/{room}", new WebSocketHandler() {
            @Override
            public void onText(WebSocketConnection c, String text) {
                c.sendText(text);
            }
        }).build();
        container = Container.start(kind, List.of(Container.upgradeFilter(kind, server)));
        client = WebSocketClient.builder().build();
        URI uri = URI.create("ws://127.0.0.1:" + container.port() + "/echo/lobby");
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest upgrade = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + container.port() + "/echo/lobby"))
                .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==").header("Sec-WebSocket-Version", "13").build();

        HttpResponse<String> early = http.send(upgrade, HttpResponse.BodyHandlers.ofString());
        assertThat(early.statusCode()).isEqualTo(503);
        assertThat(early.body()).isEqualTo("The WebSocket server is not running.\n");
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + container.port() + "/echo/lobby")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.body()).as("a plain GET of the path stays the application's").isEqualTo("page");

        server.start();
        RecordingHandler h = new RecordingHandler();
        WebSocketConnection c = client.connect(uri, h).get(10, TimeUnit.SECONDS);
        c.sendText("up");
        assertThat(h.next().text()).isEqualTo("up");

        assertThat(server.shutdown(java.time.Duration.ofSeconds(5))).as("closed within the grace").isTrue();
        assertThat(h.closed.get(10, TimeUnit.SECONDS).code()).isEqualTo(1001);
        HttpResponse<String> late = http.send(upgrade, HttpResponse.BodyHandlers.ofString());
        assertThat(late.statusCode()).isEqualTo(503);
        assertThat(late.body()).isEqualTo("The WebSocket server is not running.\n");
    }

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void otherRequestsReachTheApplication(Container.Kind kind) throws Exception {
        start(kind);
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + container.port() + "/echo/lobby")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).isEqualTo("page");
    }
}
