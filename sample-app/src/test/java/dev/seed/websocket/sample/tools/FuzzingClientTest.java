package dev.seed.websocket.sample.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.WebSocketServer;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The fuzzing client against a small fuzzing server on loopback that checks every echo. */
class FuzzingClientTest {

    @Test
    void runsEveryCaseEchoingAndThenAsksForTheReports() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .extensions("permessage-deflate")
                .route("/getCaseCount", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocketConnection c) {
                        c.sendText("3");
                        c.close();
                    }
                })
                .route("/runCase", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocketConnection c) {
                        String n = c.request().queryParameters().get("case").get(0);
                        seen.add("case " + n + " by " + c.request().queryParameters().get("agent").get(0)
                                + (c.extensions().isEmpty() ? "" : " deflate"));
                        c.sendText("text of case " + n);
                        c.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, Byte.parseByte(n)}));
                    }

                    @Override
                    public void onText(WebSocketConnection c, String text) {
                        seen.add("echo " + text);
                    }

                    @Override
                    public void onBinary(WebSocketConnection c, ByteBuffer data) {
                        seen.add("echo binary of " + data.get(2));
                        c.close(1000, "case done");
                    }
                })
                .route("/updateReports", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocketConnection c) {
                        seen.add("reports for " + c.request().queryParameters().get("agent").get(0));
                        c.close();
                    }
                })
                .build().start();
        FuzzingClient client = new FuzzingClient(URI.create("ws://127.0.0.1:" + server.port()), "test agent");
        try {
            int cases = client.caseCount();
            assertThat(cases).isEqualTo(3);
            for (int i = 1; i <= cases; i++) {
                assertThat(client.runCase(i)).isEqualTo("1000 case done (peer_closed)");
            }
            client.updateReports();
        } finally {
            client.close();
            server.shutdown(Duration.ofSeconds(1));
        }
        assertThat(seen).containsExactly(
                "case 1 by test agent deflate", "echo text of case 1", "echo binary of 1",
                "case 2 by test agent deflate", "echo text of case 2", "echo binary of 2",
                "case 3 by test agent deflate", "echo text of case 3", "echo binary of 3",
                "reports for test agent");
    }
}
