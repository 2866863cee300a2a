package dev.seed.websocket.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.spring.OnBinary;
import dev.seed.websocket.spring.OnMessage;
import dev.seed.websocket.spring.WsHandler;
import java.io.InputStream;
import java.io.Reader;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

/**
 * Annotated methods that take a message in parts ({@code boolean last}) or as an InputStream or
 * Reader, served for real with a message size limit far below the messages: they are streamed.
 */
@SpringBootTest(classes = StreamingHandlerIntegrationTests.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"websocket.server.port=0", "websocket.server.address=127.0.0.1",
                "websocket.server.max-message-size=64KB"})
class StreamingHandlerIntegrationTests {

    @Value("${local.websocket.server.port}")
    int port;

    @Autowired
    WebSocketClient client;

    private URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port + path);
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void inputStreamMethodReadsAMessageFarOverTheLimit() throws Exception {
        Recorder recorder = new Recorder();
        WebSocketConnection c = client.connect(uri("/upload"), recorder).get(10, TimeUnit.SECONDS);
        byte[] payload = new byte[4 * 1024 * 1024];
        new Random(1).nextBytes(payload);
        for (int round = 0; round < 2; round++) {
            c.sendBinary(ByteBuffer.wrap(payload), true).get(30, TimeUnit.SECONDS);
            assertThat(recorder.next()).isEqualTo(payload.length + " " + sha256(payload));
        }
        // the text method of the same handler takes its message whole: assembled from parts
        c.sendText("small");
        assertThat(recorder.next()).isEqualTo("whole: small");
        c.sendText("x".repeat(70 * 1024));
        assertThat(recorder.awaitClose()).isEqualTo(1009);
    }

    @Test
    void readerAndPartMethods() throws Exception {
        Recorder recorder = new Recorder();
        WebSocketConnection c = client.connect(uri("/parts"), recorder).get(10, TimeUnit.SECONDS);
        String text = "ünïcödé 😀 ".repeat(20_000); // ~300 KB of UTF-8
        c.sendText(text);
        assertThat(recorder.next()).isEqualTo("chars " + text.length());
        c.sendBinary(ByteBuffer.allocate(200_000), true);
        Object reply = recorder.next();
        assertThat((String) reply).startsWith("bytes 200000 in ").endsWith(" parts, last seen");
        c.close();
    }

    @Test
    void onPingDecidesEachAnswerAndOnPongHearsPongs() throws Exception {
        java.util.concurrent.LinkedBlockingQueue<String> pongs = new java.util.concurrent.LinkedBlockingQueue<>();
        java.util.concurrent.LinkedBlockingQueue<String> texts = new java.util.concurrent.LinkedBlockingQueue<>();
        dev.seed.websocket.WebSocketHandler recorder = new dev.seed.websocket.WebSocketHandler() {
            @Override
            public void onPong(WebSocketConnection c, ByteBuffer data) {
                pongs.add(java.nio.charset.StandardCharsets.UTF_8.decode(data.duplicate()).toString());
            }

            @Override
            public void onText(WebSocketConnection c, String text) {
                texts.add(text);
            }
        };
        WebSocketConnection c = client.connect(uri("/pings"), recorder).get(10, TimeUnit.SECONDS);
        c.ping(ByteBuffer.wrap("no thanks".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        c.ping(ByteBuffer.wrap("yes please".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(pongs.poll(5, TimeUnit.SECONDS)).isEqualTo("yes please");
        c.pong(ByteBuffer.wrap("unsolicited".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(texts.poll(5, TimeUnit.SECONDS)).isEqualTo("server heard pong unsolicited");
        assertThat(pongs).isEmpty();
        c.close(4005, "done");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pings.closes.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(pings.closes).containsExactly("closing 4005 done CLOSING", "close 4005");
    }

    @Autowired
    Pings pings;

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({Upload.class, Parts.class, Pings.class})
    static class App {
    }

    @WsHandler("/upload")
    static class Upload {
        @OnMessage
        String upload(InputStream in) throws Exception {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[8192];
            long total = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
                total += n;
            }
            return total + " " + HexFormat.of().formatHex(d.digest());
        }

        @OnMessage
        String text(String message) {
            return "whole: " + message;
        }
    }

    @WsHandler("/pings")
    static class Pings {
        @dev.seed.websocket.spring.OnPing
        boolean ping(ByteBuffer payload) {
            return java.nio.charset.StandardCharsets.UTF_8.decode(payload.duplicate()).toString().startsWith("yes");
        }

        @dev.seed.websocket.spring.OnPong
        void pong(byte[] payload, WebSocketConnection c) {
            c.sendText("server heard pong " + new String(payload, java.nio.charset.StandardCharsets.UTF_8));
        }

        final java.util.List<String> closes = new java.util.concurrent.CopyOnWriteArrayList<>();

        @dev.seed.websocket.spring.OnClosing
        void closing(int code, String reason, WebSocketConnection c) {
            closes.add("closing " + code + " " + reason + " " + c.state());
        }

        @dev.seed.websocket.spring.OnClose
        void close(int code) {
            closes.add("close " + code);
        }
    }

    @WsHandler("/parts")
    static class Parts {
        long bytes;
        int parts;

        @OnMessage
        String text(Reader reader) throws Exception {
            char[] buf = new char[4096];
            long total = 0;
            for (int n; (n = reader.read(buf)) > 0; ) {
                total += n;
            }
            return "chars " + total;
        }

        @OnBinary
        void part(WebSocketConnection c, ByteBuffer part, boolean last) {
            bytes += part.remaining();
            parts++;
            if (last) {
                c.sendText("bytes " + bytes + " in " + parts + " parts, last seen");
                bytes = 0;
                parts = 0;
            }
        }
    }
}
