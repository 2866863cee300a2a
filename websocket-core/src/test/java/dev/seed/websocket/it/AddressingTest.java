package dev.seed.websocket.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seed.websocket.ConnectOptions;
import dev.seed.websocket.MessageInputStream;
import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The local building blocks of addressing: a connection by id, the connections of a user id set
 * in the handshake, subscribing from the connection, publishing to all but the sender; and a
 * message read as a blocking InputStream with the connection's inbound flow control.
 */
class AddressingTest {

    private WebSocketServer server;
    private final WebSocketClient client = WebSocketClient.create();
    private final Map<String, WebSocketConnection> serverSide = new ConcurrentHashMap<>();
    private ExecutorService readers;

    @AfterEach
    void stop() {
        client.close();
        if (server != null) {
            server.shutdown(Duration.ofSeconds(2));
        }
        if (readers != null) {
            readers.shutdownNow();
        }
    }

    private URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + server.port() + path);
    }

    private final Map<RecordingHandler, WebSocketConnection> clientSide = new ConcurrentHashMap<>();

    private RecordingHandler connect(String user) throws Exception {
        RecordingHandler h = new RecordingHandler();
        clientSide.put(h, client.connect(uri("/chat"), ConnectOptions.builder().header("X-User", user).build(), h)
                .get(5, TimeUnit.SECONDS));
        return h;
    }

    @Test
    void connectionsAreFoundByIdAndByUserAndTopicsExcludeTheSender() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .interceptor((request, response) -> response.userId(request.header("X-User")))
                .route("/chat", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocketConnection c) {
                        assertThat(c.subscribe("room")).isTrue();
                        serverSide.put(c.userId() + "#" + serverSide.size(), c);
                        c.sendText("id " + c.id());
                    }

                    @Override
                    public void onText(WebSocketConnection c, String text) {
                        if (text.equals("leave")) {
                            c.unsubscribe("room");
                            c.sendText("left");
                        } else {
                            server.publish("room", c.userId() + ": " + text, c);
                        }
                    }
                }).build().start();
        RecordingHandler ann1 = connect("ann");
        RecordingHandler ann2 = connect("ann");
        RecordingHandler bob = connect("bob");
        String ann1Id = ann1.nextText().substring(3);
        ann2.nextText();
        bob.nextText();

        WebSocketConnection found = server.connection(ann1Id);
        assertThat(found).isNotNull();
        assertThat(found.userId()).isEqualTo("ann");
        assertThat(server.connection("s-999999999")).isNull();
        assertThat(server.connection("c-1")).isNull();
        assertThat(server.connection("s-x")).isNull();

        assertThat(server.connectionsOfUser("ann")).hasSize(2);
        assertThat(server.connectionsOfUser("nobody")).isEmpty();
        assertThat(server.sendToUser("ann", "for ann").get(5, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(ann1.nextText()).isEqualTo("for ann");
        assertThat(ann2.nextText()).isEqualTo("for ann");

        // bob publishes: everyone in the room but bob
        clientSide.get(bob).sendText("hi all");
        assertThat(ann1.nextText()).isEqualTo("bob: hi all");
        assertThat(ann2.nextText()).isEqualTo("bob: hi all");

        // a connection that leaves the topic gets nothing more from it
        clientSide.get(ann2).sendText("leave");
        assertThat(ann2.nextText()).isEqualTo("left");
        assertThat(server.subscribers("room")).hasSize(2);
        clientSide.get(bob).sendText("still there?");
        assertThat(ann1.nextText()).isEqualTo("bob: still there?");
        clientSide.get(ann1).sendText("yes");
        assertThat(bob.nextText()).isEqualTo("ann: yes");
        ann2.assertExhausted();
        bob.assertExhausted();

        // closing forgets the user's connection
        server.connection(ann1Id).close();
        ann1.awaitClose();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.connectionsOfUser("ann").size() != 1 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(server.connectionsOfUser("ann")).hasSize(1);
        assertThat(server.connection(ann1Id)).isNull();
    }

    @Test
    void clientConnectionsHaveNoTopicsAndNoUser() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).route("/chat", new WebSocketHandler() { })
                .build().start();
        WebSocketConnection c = client.connect(uri("/chat"), new WebSocketHandler() { }).get(5, TimeUnit.SECONDS);
        assertThat(c.userId()).isNull();
        assertThatThrownBy(() -> c.subscribe("room")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void messageReadAsAnInputStreamOnAnotherThreadWithFlowControl() throws Exception {
        readers = Executors.newCachedThreadPool();
        Set<String> digests = ConcurrentHashMap.newKeySet();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).maxMessageSize(64 * 1024)
                .route("/upload", new WebSocketHandler() {
                    MessageInputStream stream;

                    @Override
                    public boolean receivesParts() {
                        return true;
                    }

                    @Override
                    public void onBinaryPart(WebSocketConnection c, ByteBuffer part, boolean last) {
                        if (stream == null) {
                            MessageInputStream s = new MessageInputStream(c, 32 * 1024);
                            stream = s;
                            readers.execute(() -> {
                                try (InputStream in = s) {
                                    MessageDigest d = MessageDigest.getInstance("SHA-256");
                                    byte[] buf = new byte[1000];
                                    long total = 0;
                                    for (int n; (n = in.read(buf)) > 0; ) {
                                        d.update(buf, 0, n);
                                        total += n;
                                        if (total % 100_000 < 1000) {
                                            Thread.sleep(1); // a slow sink
                                        }
                                    }
                                    String digest = HexFormat.of().formatHex(d.digest());
                                    digests.add(digest);
                                    c.sendText(total + " " + digest);
                                } catch (Exception e) {
                                    c.sendText("failed: " + e);
                                }
                            });
                        }
                        stream.offer(part, last);
                        if (last) {
                            stream = null;
                        }
                    }
                }).build().start();
        RecordingHandler h = new RecordingHandler();
        WebSocketConnection c = client.connect(uri("/upload"), h).get(5, TimeUnit.SECONDS);
        byte[] payload = new byte[8 * 1024 * 1024]; // 128 times the maximum message size
        new java.util.Random(5).nextBytes(payload);
        c.sendBinary(ByteBuffer.wrap(payload), true).get(30, TimeUnit.SECONDS);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
        assertThat(h.nextText()).isEqualTo(payload.length + " " + expected);
        assertThat(c.isOpen()).isTrue();
    }
}
