package com.example.echo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.PropertySource;

/**
 * Runs {@link EchoApplication} the way a user does (its main class, its application.yml, the
 * starter and Actuator with Prometheus on the class path) and proves that it serves: echo,
 * permessage-deflate with the threshold from application.yml, and the close-code metric in
 * {@code /actuator/prometheus}. Only the ports are moved to free loopback ones, so that the test
 * never clashes with anything listening on 9001 or 8080.
 */
class UserApplicationTests {

    private static final String LONG = "a long and very compressible message ".repeat(100);

    private static ConfigurableApplicationContext app;
    private static int wsPort;
    private static int httpPort;

    @BeforeAll
    static void start() {
        app = SpringApplication.run(EchoApplication.class, "--websocket.server.port=0",
                "--websocket.server.address=127.0.0.1", "--server.port=0", "--server.address=127.0.0.1",
                "--management.endpoints.web.exposure.include=health,prometheus,websocket",
                "--management.endpoint.health.show-components=always",
                "--management.endpoint.health.show-details=always");
        wsPort = app.getEnvironment().getRequiredProperty("local.websocket.server.port", Integer.class);
        httpPort = app.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void applicationYmlIsTheUsersOne() {
        PropertySource<?> yml = app.getEnvironment().getPropertySources().stream()
                .filter(s -> s.getName().contains("application.yml")).findFirst().orElseThrow();
        assertThat(yml.getProperty("websocket.server.port")).isEqualTo(9001);
        assertThat(yml.getProperty("websocket.server.extensions[0]"))
                .isEqualTo("permessage-deflate; client_max_window_bits");
    }

    @Test
    void servesEchoWithCompressionAboveTheThreshold() throws Exception {
        List<Integer> rsv = new CopyOnWriteArrayList<>();
        BlockingQueue<String> replies = new LinkedBlockingQueue<>();
        try (WebSocketClient client = WebSocketClient.builder().eventLoops(1).extensions("permessage-deflate")
                .frameListener((c, inbound, opcode, fin, bits, length) -> {
                    if (inbound && opcode == 1) {
                        rsv.add(bits);
                    }
                }).build()) {
            WebSocketConnection c = client.connect(URI.create("ws://127.0.0.1:" + wsPort + "/echo"),
                    new WebSocketHandler() {
                        @Override
                        public void onText(WebSocketConnection x, String text) {
                            replies.add(text);
                        }
                    }).get(10, TimeUnit.SECONDS);
            assertThat(c.extensions()).singleElement().asString().startsWith("permessage-deflate");
            c.sendText("hello");
            assertThat(replies.poll(10, TimeUnit.SECONDS)).isEqualTo("hello");
            c.sendText(LONG);
            assertThat(replies.poll(10, TimeUnit.SECONDS)).isEqualTo(LONG);
            assertThat(rsv).containsExactly(0, 0x40);
            c.close(1000, "done").get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void closeCodeMetricInPrometheusAndHealth() throws Exception {
        String line = "websocket_connections_closed_total{cause=\"peer_closed\",code=\"1000\",initiator=\"remote\","
                + "route=\"/echo\",side=\"server\"}";
        double before = value(get("/actuator/prometheus"), line);
        WebSocketClient client = app.getBean(WebSocketClient.class);
        for (int i = 0; i < 2; i++) {
            WebSocketConnection c = client.connect(URI.create("ws://127.0.0.1:" + wsPort + "/echo"),
                    new WebSocketHandler() {
                    }).get(10, TimeUnit.SECONDS);
            c.close(1000, "bye").get(10, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String scrape = get("/actuator/prometheus");
        while (value(scrape, line) < before + 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            scrape = get("/actuator/prometheus");
        }
        assertThat(value(scrape, line)).as(line).isEqualTo(before + 2);
        assertThat(scrape).contains("# HELP websocket_connections_closed_total")
                .contains("websocket_connections_active{side=\"server\"}")
                .contains("websocket_connections_closed_total{cause=\"local_close\",code=\"1000\",initiator=\"local\","
                        + "route=\"none\",side=\"client\"}");

        String health = get("/actuator/health");
        assertThat(health).contains("\"websocket\":{").contains("\"port\":" + wsPort);

        String endpoint = get("/actuator/websocket");
        assertThat(endpoint).contains("\"path\":\"/echo\"").contains("\"bean\":\"echo\"");
    }

    /** The value of the sample {@code series} in a Prometheus scrape, 0 when absent. */
    private static double value(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim())).orElse(0.0);
    }

    private static String get(String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }
}
