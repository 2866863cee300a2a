package dev.seed.websocket.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.it.RecordingHandler;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Topics leave nothing behind: a topic goes with its last subscriber, a connection leaves its own
 * topics when it closes (not a walk over every topic of the server), and a subscription racing
 * with the connection's close never leaves a closed connection subscribed.
 */
class TopicChurnTest {

    private WebSocketServer server;
    private WebSocketClient client;
    private final ConcurrentLinkedQueue<WebSocketConnection> serverSides = new ConcurrentLinkedQueue<>();

    @AfterEach
    void stop() {
        if (client != null) {
            client.close(Duration.ofSeconds(1));
        }
        if (server != null) {
            server.shutdown(Duration.ofSeconds(1));
        }
    }

    private void start() {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).route("/t", new WebSocketHandler() {
            @Override
            public void onOpen(WebSocketConnection c) {
                serverSides.add(c);
            }
        }).build().start();
        client = WebSocketClient.builder().build();
    }

    private WebSocketConnection connect() throws Exception {
        return client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/t"), new RecordingHandler())
                .get(5, TimeUnit.SECONDS);
    }

    @Test
    void a100000TopicChurnReturnsMemoryToItsStart() throws Exception {
        start();
        WebSocketConnection c = connect();
        Resources.await(() -> serverSides.size() == 1, 5_000);
        WebSocketConnection s = serverSides.peek();
        long heapBefore = Resources.heapAfterGc();
        for (int i = 0; i < 100_000; i++) {
            assertThat(server.subscribe(s, "topic-" + i)).isTrue();
        }
        assertThat(server.topicCount()).isEqualTo(100_000);
        long heapSubscribed = Resources.heapAfterGc();
        c.close().get(5, TimeUnit.SECONDS);
        Resources.await(() -> server.topicCount() == 0, 5_000);
        assertThat(server.topicCount()).isZero();
        assertThat(server.subscribers("topic-7")).isEmpty();
        long heapAfter = Resources.heapAfterGc();
        System.out.printf("topics: heap %d KiB before, %d KiB with 100,000 topics, %d KiB after%n",
                heapBefore >> 10, heapSubscribed >> 10, heapAfter >> 10);
        // 100,000 topics take about 33 MiB; what stays is the topic map's table (about 1 MiB)
        assertThat(heapSubscribed - heapBefore).as("the topics took memory").isGreaterThan(16L << 20);
        assertThat(heapAfter - heapBefore).as("heap growth after the churn").isLessThan(4L << 20);
    }

    @Test
    void theLastUnsubscribeRemovesTheTopicAndAClosedConnectionCannotSubscribe() throws Exception {
        start();
        WebSocketConnection c1 = connect();
        connect();
        Resources.await(() -> serverSides.size() == 2, 5_000);
        List<WebSocketConnection> s = List.copyOf(serverSides);
        assertThat(server.subscribe(s.get(0), "room")).isTrue();
        assertThat(server.subscribe(s.get(1), "room")).isTrue();
        server.unsubscribe(s.get(0), "room");
        assertThat(server.topicCount()).isEqualTo(1);
        server.unsubscribe(s.get(1), "room");
        assertThat(server.topicCount()).isZero();

        c1.close().get(5, TimeUnit.SECONDS);
        Resources.await(() -> !s.get(0).isOpen() && server.connections().size() == 1, 5_000);
        assertThat(server.subscribe(s.get(0), "room")).isFalse();
        assertThat(server.topicCount()).isZero();
    }

    @Test
    void aConnectionOfAnotherEndpointCannotSubscribe() throws Exception {
        start();
        WebSocketServer other = WebSocketServer.builder().host("127.0.0.1").port(0)
                .route("/t", new RecordingHandler()).build().start();
        try {
            // the client's end of a connection to this server, and a connection of another server:
            // neither would leave this server's topics when it closes
            WebSocketConnection clientEnd = connect();
            RecordingHandler otherSide = new RecordingHandler();
            client.connect(URI.create("ws://127.0.0.1:" + other.port() + "/t"), otherSide).get(5, TimeUnit.SECONDS);
            Resources.await(() -> other.connections().size() == 1, 5_000);
            WebSocketConnection otherServersEnd = other.connections().iterator().next();

            assertThat(server.subscribe(clientEnd, "room")).as("a client's connection").isFalse();
            assertThat(server.subscribe(otherServersEnd, "room")).as("another server's connection").isFalse();
            assertThat(server.topicCount()).isZero();
            assertThat(server.subscribers("room")).isEmpty();
        } finally {
            other.shutdown(Duration.ofSeconds(1));
        }
    }

    @Test
    void subscriptionsRacingWithClosesLeaveNoClosedConnectionSubscribed() throws Exception {
        start();
        int connections = 200;
        List<CompletableFuture<WebSocketConnection>> opening = new java.util.ArrayList<>();
        for (int i = 0; i < connections; i++) {
            opening.add(client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/t"), new RecordingHandler()));
        }
        List<WebSocketConnection> clients = new java.util.ArrayList<>();
        for (CompletableFuture<WebSocketConnection> f : opening) {
            clients.add(f.get(10, TimeUnit.SECONDS));
        }
        Resources.await(() -> serverSides.size() == connections, 5_000);
        List<WebSocketConnection> sides = List.copyOf(serverSides);
        AtomicBoolean go = new AtomicBoolean(true);
        ExecutorService subscribers = Executors.newFixedThreadPool(4);
        try {
            for (int t = 0; t < 4; t++) {
                int offset = t;
                subscribers.execute(() -> {
                    for (int round = 0; go.get() && round < 10_000; round++) {
                        for (int i = offset; i < sides.size(); i += 4) {
                            server.subscribe(sides.get(i), "topic-" + (round % 20));
                        }
                    }
                });
            }
            Thread.sleep(50);
            for (WebSocketConnection c : clients) {
                c.abort(); // the server's side ends at once, while subscriptions keep coming
            }
            Resources.await(() -> server.connections().isEmpty(), 10_000);
            Thread.sleep(100);
        } finally {
            go.set(false);
            subscribers.shutdown();
            assertThat(subscribers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        for (int i = 0; i < 20; i++) {
            assertThat(server.subscribers("topic-" + i)).as("subscribers of topic-%d", i).isEmpty();
        }
        assertThat(server.topicCount()).isZero();
    }
}
