package dev.seed.websocket.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.CompressionMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fast checks that the load generator speaks WebSocket correctly to both benchmark servers
 * (run in this JVM here, for a fraction of a second each): what it counts as echoed messages
 * really are the messages it sent. No benchmark runs in the build.
 */
class LoadGeneratorSanityTest {

    private static BenchServer.Running start(String kind, boolean deflate) throws Exception {
        return kind.equals("ours") ? new OurBenchServer(deflate) : new NettyBenchServer(deflate);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ours", "netty"})
    void echoesTextAndBinaryIntact(String kind) throws Exception {
        try (BenchServer.Running server = start(kind, false); LoadGenerator gen = new LoadGenerator()) {
            for (FrameTemplate t : List.of(FrameTemplate.text(32, 4), FrameTemplate.binary(100_000, 1))) {
                List<GenConnection> conns = gen.connect(server.port(), "/echo", null, 3, 10_000);
                conns.forEach(GenConnection::captureFirstMessage);
                LoadGenerator.Throughput r = gen.echo(conns, t, 2, 50, 200);
                assertThat(r.messagesPerSecond()).isPositive();
                // (messages x length) / seconds against (messages / seconds) x length: equal but for rounding
                assertThat(r.bytesPerSecond()).isCloseTo(r.messagesPerSecond() * t.payloadLength,
                        org.assertj.core.data.Percentage.withPercentage(1e-9));
                byte[] expected = t.payloadLength == 32 ? FrameTemplate.textPayload(32) : binaryPayload(t);
                for (GenConnection c : conns) {
                    assertThat(c.firstMessage).isEqualTo(expected);
                }
                gen.close(conns);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ours", "netty"})
    void compressedMessagesComeBack(String kind) throws Exception {
        try (BenchServer.Running server = start(kind, true); LoadGenerator gen = new LoadGenerator()) {
            List<GenConnection> conns = gen.connect(server.port(), "/echo",
                    "permessage-deflate; client_no_context_takeover", 2, 10_000);
            LoadGenerator.Throughput r = gen.echo(conns, FrameTemplate.compressedText(32, 4), 2, 50, 200);
            assertThat(r.messagesPerSecond()).isPositive();
            gen.close(conns);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ours", "netty"})
    void broadcastReachesEveryConnection(String kind) throws Exception {
        try (BenchServer.Running server = start(kind, false); LoadGenerator gen = new LoadGenerator()) {
            List<GenConnection> conns = gen.connect(server.port(), "/broadcast", null, 20, 10_000);
            double deliveries = gen.broadcast(conns, FrameTemplate.text(32, 2), 2, 50, 200);
            assertThat(deliveries).isPositive();
            for (GenConnection c : conns) {
                assertThat(c.received).as("every connection got broadcasts").isPositive();
            }
            gen.close(conns);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ours", "netty"})
    void latencyRunTimesEveryReply(String kind) throws Exception {
        try (BenchServer.Running server = start(kind, false); LoadGenerator gen = new LoadGenerator()) {
            List<GenConnection> conns = gen.connect(server.port(), "/echo", null, 5, 10_000);
            LoadGenerator.Latencies l = gen.latency(conns, FrameTemplate.text(32, 1), 1000, 50, 300);
            assertThat(l.sorted().length).isBetween(200, 400);
            assertThat(l.percentile(50)).isPositive().isLessThanOrEqualTo(l.percentile(99));
            gen.close(conns);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"SHARED", "WINDOWED", "FULL", "netty"})
    void oneCompressedMessagePerConnectionComesBackIntact(String server) throws Exception {
        byte[] json = FrameTemplate.chatJson(DeflateMemoryScenario.MESSAGE_SIZE);
        FrameTemplate message = FrameTemplate.deflatedText(json, 1);
        try (BenchServer.Running s = server.equals("netty") ? new NettyBenchServer(true)
                : new OurBenchServer(true, CompressionMode.valueOf(server));
                LoadGenerator gen = new LoadGenerator()) {
            List<GenConnection> conns = gen.connect(s.port(), "/echo", DeflateMemoryScenario.OFFER, 3, 10_000);
            conns.forEach(GenConnection::captureFirstMessage);
            LoadGenerator.Replies r = gen.sendOnceAndAwaitReplies(conns, message, 10_000);
            assertThat(r.messages()).isEqualTo(3);
            for (GenConnection c : conns) {
                assertThat(c.negotiatedExtensions).startsWith("permessage-deflate");
                byte[] echoed = c.compressedReceived == 1 ? inflate(c.firstMessage) : c.firstMessage;
                assertThat(echoed).isEqualTo(json);
            }
            gen.close(conns);
        }
    }

    @Test
    void theCompressedMessageIsTwoKilobytesOfJsonChat() throws Exception {
        byte[] json = FrameTemplate.chatJson(2048);
        assertThat(json).hasSize(2048);
        String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(json)).toString();
        assertThat(text).startsWith("[{\"type\":\"message\"").endsWith("]").contains("},{");
        assertThat(inflate(FrameTemplate.deflateSyncFlushed(json))).isEqualTo(json);
    }

    /** A permessage-deflate payload inflated on its own (RFC 7692 section 7.2.2: the tail put back). */
    private static byte[] inflate(byte[] payload) throws Exception {
        Inflater inflater = new Inflater(true);
        try {
            byte[] in = Arrays.copyOf(payload, payload.length + 4);
            in[payload.length + 2] = (byte) 0xFF;
            in[payload.length + 3] = (byte) 0xFF;
            inflater.setInput(in);
            byte[] out = new byte[64 * 1024];
            int n = inflater.inflate(out);
            return Arrays.copyOf(out, n);
        } finally {
            inflater.end();
        }
    }

    private static byte[] binaryPayload(FrameTemplate t) {
        byte[] p = new byte[t.payloadLength];
        new java.util.Random(5).nextBytes(p);
        return p;
    }
}
