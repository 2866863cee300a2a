package dev.seed.websocket.sample.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.ConnectOptions;
import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A test client over the core's WebSocketClient that records what arrives, for the chat and echo routes. */
public final class JsonPeer implements WebSocketHandler, AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** A close as this peer saw it. */
    public record Closed(int code, String reason) {
    }

    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final Map<String, String> positions = new java.util.concurrent.ConcurrentHashMap<>();
    private final WebSocketConnection connection;

    private JsonPeer(WebSocketClient client, URI uri, ConnectOptions options) throws Exception {
        this.connection = client.connect(uri, options, this).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Connects with the page's origin and, when given, subprotocols. */
    public static JsonPeer connect(WebSocketClient client, RunningApp app, String path, String... subprotocols)
            throws Exception {
        ConnectOptions options = ConnectOptions.builder().origin(app.origin()).subprotocols(subprotocols).build();
        return new JsonPeer(client, app.ws(path), options);
    }

    public WebSocketConnection connection() {
        return connection;
    }

    public void send(Map<String, ?> message) {
        connection.sendText(JSON.writeValueAsString(message)).join();
    }

    public void sendText(String text) {
        connection.sendText(text).join();
    }

    /**
     * The next text message, parsed; a topic's publication comes out of its envelope (as the
     * browser client takes it out: see SubscribeOptions), a recovery notice comes as it is
     * ({@code {"ws.recovery":{...}}}, without a type).
     */
    public JsonNode next() throws InterruptedException {
        Object o = nextRaw();
        assertThat(o).as("a text message").isInstanceOf(String.class);
        JsonNode n = JSON.readTree((String) o);
        JsonNode pub = n.path("ws.pub");
        if (pub.isObject()) {
            positions.put(pub.path("topic").asString(), pub.path("offset").asLong() + "~" + pub.path("epoch").asString());
            return JSON.readTree(n.path("data").asString());
        }
        return n;
    }

    /** The last position seen of each topic, {@code offset~epoch}, from the envelopes. */
    public Map<String, String> positions() {
        return Map.copyOf(positions);
    }

    /** The next message of type {@code type}, skipping the others (presence notices, pongs). */
    public JsonNode next(String type) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode n = next();
            if (n.path("type").asString().equals(type)) {
                return n;
            }
        }
        throw new AssertionError("no " + type + " message within " + WAIT);
    }

    /** The next message as it came: a String for text, a byte[] for binary. */
    public Object nextRaw() throws InterruptedException {
        Object o = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(o).as("a message within %s", WAIT).isNotNull();
        return o;
    }

    /** Nothing more arrives within {@code quiet}. */
    public void assertNothingWithin(Duration quiet) throws InterruptedException {
        Object o = received.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(o).as("no further message").isNull();
    }

    public Closed awaitClose() throws Exception {
        return closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public void onText(WebSocketConnection c, String text) {
        received.add(text);
    }

    @Override
    public void onBinary(WebSocketConnection c, ByteBuffer data) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        received.add(b);
    }

    @Override
    public void onClose(WebSocketConnection c, int code, String reason) {
        closed.complete(new Closed(code, reason));
    }

    @Override
    public void close() {
        if (connection.isOpen()) {
            connection.close();
        }
    }
}
