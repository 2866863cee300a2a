package dev.seed.websocket.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fast checks of the container benchmark's servers and its handshake cycles (in this JVM, a
 * fraction of a second each): our engine on embedded Tomcat, Tomcat's own JSR-356 WebSocket, our
 * engine on embedded Jetty and Jetty's own WebSocket echo the generator's text and binary messages
 * intact, and a handshake cycle (upgrade, Close, the server's Close and TCP close) completes
 * against every server. No benchmark runs in the build.
 */
class ContainerServersSanityTest {

    private static BenchServer.Running start(String kind) throws Exception {
        return switch (kind) {
            case "tomcat-ours" -> new TomcatBenchServer(TomcatBenchServer.Kind.OURS);
            case "tomcat-jsr356" -> new TomcatBenchServer(TomcatBenchServer.Kind.JSR356);
            case "jetty-ours" -> new JettyBenchServer(JettyBenchServer.Kind.OURS);
            case "jetty" -> new JettyBenchServer(JettyBenchServer.Kind.OWN);
            default -> new OurBenchServer(false);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"tomcat-ours", "tomcat-jsr356", "jetty-ours", "jetty"})
    void echoesTextAndBinaryIntact(String kind) throws Exception {
        try (BenchServer.Running server = start(kind); LoadGenerator gen = new LoadGenerator()) {
            for (FrameTemplate t : List.of(FrameTemplate.text(32, 4), FrameTemplate.binary(16 * 1024, 2))) {
                List<GenConnection> conns = gen.connect(server.port(), "/echo", null, 3, 10_000);
                conns.forEach(GenConnection::captureFirstMessage);
                LoadGenerator.Throughput r = gen.echo(conns, t, 2, 50, 200);
                assertThat(r.messagesPerSecond()).isPositive();
                byte[] expected = t.payloadLength == 32 ? FrameTemplate.textPayload(32) : binaryPayload(t);
                for (GenConnection c : conns) {
                    assertThat(c.firstMessage).isEqualTo(expected);
                }
                gen.close(conns);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tomcat-ours", "tomcat-jsr356", "jetty-ours", "jetty", "ours"})
    void handshakeCyclesComplete(String kind) throws Exception {
        try (BenchServer.Running server = start(kind); LoadGenerator gen = new LoadGenerator()) {
            LoadGenerator.Cycles c = gen.handshakes(server.port(), "/echo", 4, 50, 300, 5_000);
            assertThat(c.completed()).isPositive();
            assertThat(c.perSecond()).isPositive();
            assertThat(c.p50Micros()).isPositive().isLessThanOrEqualTo(c.p99Micros());
        }
    }

    private static byte[] binaryPayload(FrameTemplate t) {
        byte[] p = new byte[t.payloadLength];
        new java.util.Random(5).nextBytes(p);
        return p;
    }
}
