package dev.seed.websocket.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.ConnectOptions;
import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.sample.support.JsonPeer;
import dev.seed.websocket.sample.support.RunningApp;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The echo route as a conformance fuzzer or load generator uses it: started with the command line
 * properties the README gives for them (a larger message limit); such tools send no Origin.
 */
class EchoRouteTest {

    private static final int SEVENTEEN_MIB = 17 * 1024 * 1024;

    private static RunningApp app;
    private static WebSocketClient client;

    @BeforeAll
    static void start() {
        app = RunningApp.launch("--websocket.server.max-message-size=64MB");
        client = WebSocketClient.builder()
                .extensions("permessage-deflate")
                .maxFrameSize(64L * 1024 * 1024).maxMessageSize(64L * 1024 * 1024)
                .build();
    }

    @AfterAll
    static void stop() {
        client.close();
        app.close();
    }

    @Test
    void echoes_text_and_binary_with_permessage_deflate() throws Exception {
        try (JsonPeer p = JsonPeer.connect(client, app, "/echo")) {
            assertThat(p.connection().extensions()).anySatisfy(e -> assertThat(e).startsWith("permessage-deflate"));
            p.sendText("hello \u00e9\u00e8 \uD83D\uDE00");
            assertThat(p.nextRaw()).isEqualTo("hello \u00e9\u00e8 \uD83D\uDE00");
            byte[] bytes = new byte[5000];
            new Random(7).nextBytes(bytes);
            p.connection().sendBinary(bytes.clone()).join();
            assertThat(p.nextRaw()).isEqualTo(bytes);
            p.sendText("");
            assertThat(p.nextRaw()).isEqualTo("");
        }
    }

    @Test
    void a_message_past_the_default_limits_passes_with_the_command_line_limit() throws Exception {
        try (JsonPeer p = JsonPeer.connect(client, app, "/echo")) {
            byte[] big = new byte[SEVENTEEN_MIB];
            new Random(11).nextBytes(big);
            p.connection().sendBinary(big.clone()).join();
            assertThat(p.nextRaw()).isEqualTo(big);
        }
    }

    @Test
    void a_tool_that_sends_no_origin_is_accepted_with_the_default_settings() throws Exception {
        CompletableFuture<String> echoed = new CompletableFuture<>();
        WebSocketConnection c = client.connect(app.ws("/echo"), ConnectOptions.defaults(), new WebSocketHandler() {
            @Override
            public void onText(WebSocketConnection c, String text) {
                echoed.complete(text);
            }
        }).get(10, TimeUnit.SECONDS);
        assertThat(c.request().headers("Origin")).isEmpty();
        c.sendText("no origin");
        assertThat(echoed.get(10, TimeUnit.SECONDS)).isEqualTo("no origin");
        c.close();
        // a browser from another site is still refused
        java.util.concurrent.ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class,
                () -> client.connect(app.ws("/echo"), ConnectOptions.builder().origin("https://evil.example").build(),
                        new WebSocketHandler() { }).get(10, TimeUnit.SECONDS));
        assertThat(((dev.seed.websocket.HandshakeFailedException) refused.getCause()).status()).isEqualTo(403);
    }

    @Test
    void binary_buffers_are_copied_before_the_echo() throws Exception {
        // many binary messages in a burst: each echo must carry its own bytes, not a reused buffer's
        try (JsonPeer p = JsonPeer.connect(client, app, "/echo")) {
            for (int i = 0; i < 200; i++) {
                p.connection().sendBinary(ByteBuffer.wrap(new byte[] {(byte) i, (byte) (i >> 8), 42}));
            }
            for (int i = 0; i < 200; i++) {
                assertThat(p.nextRaw()).isEqualTo(new byte[] {(byte) i, (byte) (i >> 8), 42});
            }
        }
    }
}
