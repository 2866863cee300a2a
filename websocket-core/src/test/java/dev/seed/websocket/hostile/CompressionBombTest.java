package dev.seed.websocket.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seed.websocket.CloseCause;
import dev.seed.websocket.WebSocketServer;
import dev.seed.websocket.it.EchoHandler;
import dev.seed.websocket.it.RawPeer;
import dev.seed.websocket.it.RecordingHandler;
import dev.seed.websocket.protocol.ProtocolException;
import dev.seed.websocket.protocol.extension.Extension;
import dev.seed.websocket.protocol.extension.PerMessageDeflate;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Compression bombs (RFC 7692 section 8.1 leaves the bound to the implementation): a frame of
 * about 100 KB of DEFLATE data that inflates to 100 MiB is failed with 1009 once the inflated
 * message passes the limit, having inflated no more than the limit plus one 16 KiB chunk.
 */
class CompressionBombTest {

    private static final int LIMIT = 1024 * 1024;
    private static final int INFLATED = 100 * 1024 * 1024;

    private WebSocketServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown(Duration.ofSeconds(2));
        }
    }

    /** Raw DEFLATE of {@code size} zero bytes, sync-flushed, without the 4-byte tail (section 7.2.1). */
    static byte[] bomb(int size) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        byte[] zeros = new byte[1024 * 1024];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        for (int left = size; left > 0; left -= zeros.length) {
            deflater.setInput(zeros, 0, Math.min(left, zeros.length));
            int n;
            while ((n = deflater.deflate(buf, 0, buf.length, Deflater.NO_FLUSH)) > 0) {
                out.write(buf, 0, n);
            }
        }
        int n;
        while ((n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) {
            out.write(buf, 0, n);
            if (n < buf.length) {
                break;
            }
        }
        deflater.end();
        byte[] all = out.toByteArray();
        return Arrays.copyOf(all, all.length - 4);
    }

    @Test
    void aHundredKilobyteFrameThatInflatesTo100MiBIsFailedWith1009AtTheLimit() throws Exception {
        RecordingHandler serverSide = new RecordingHandler();
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .extensions("permessage-deflate").maxMessageSize(LIMIT).closeTimeout(Duration.ofSeconds(1))
                .route("/bomb", serverSide).route("/echo", new EchoHandler()).build().start();
        byte[] bomb = bomb(INFLATED);
        assertThat(bomb.length).as("compressed size").isBetween(90_000, 110_000);
        try (RawPeer raw = new RawPeer(server.port())) {
            RawPeer.Response r = raw.handshake("/bomb", "Sec-WebSocket-Extensions: permessage-deflate");
            assertThat(r.status()).isEqualTo(101);
            assertThat(r.headers().get("sec-websocket-extensions")).startsWith("permessage-deflate");
            long allocatedBefore = Resources.allocatedByServerLoops();
            raw.sendFrame(0xC2, bomb, true); // FIN, RSV1 (compressed), binary
            RawPeer.Frame close = raw.readUntilClose();
            assertThat(close.closeCode()).isEqualTo(1009);
            assertThat(close.text().substring(2)).isEqualTo("Message too large.");
            assertThat(raw.closedByPeerWithin(5000)).isTrue();
            // Inflated bytes go into the assembly buffer, which doubles up to the limit: a few MiB
            // at most, against the 100 MiB the frame would inflate to.
            assertThat(Resources.allocatedByServerLoops() - allocatedBefore)
                    .as("bytes the server allocated for the bomb").isLessThan(4L * LIMIT);
        }
        assertThat(serverSide.awaitClose().code()).isEqualTo(1009);
        RecordingHandler.Event error = serverSide.next();
        assertThat(error.type()).isEqualTo("error");
        assertThat(((ProtocolException) error.value()).closeCode()).isEqualTo(1009);
        serverSide.assertExhausted();
        assertThat(serverSide.opened.get().closeCause()).isEqualTo(CloseCause.PROTOCOL_ERROR);
        Bystander.echoes(server.port(), Duration.ofSeconds(2));
    }

    @Test
    void theInflaterStopsWithinOneChunkOfTheLimit() throws Exception {
        Extension deflate = PerMessageDeflate.builder().build()
                .negotiate(PerMessageDeflate.builder().build().offers()).orElseThrow();
        long[] inflated = {0};
        assertThatThrownBy(() -> deflate.decode(ByteBuffer.wrap(bomb(INFLATED)), true, chunk -> {
            inflated[0] += chunk.remaining();
            if (inflated[0] > LIMIT) {
                throw new ProtocolException(1009, "Message too large.");
            }
        })).isInstanceOf(ProtocolException.class);
        // The sink sees each 16 KiB chunk as it is inflated: the bomb stops right past the limit.
        assertThat(inflated[0]).isGreaterThan(LIMIT).isLessThanOrEqualTo(LIMIT + 16 * 1024);
        deflate.close();
    }

    @Test
    void aBombSplitOverManyFragmentsIsStoppedTheSameWay() throws Exception {
        RecordingHandler serverSide = new RecordingHandler();
        server = WebSocketServer.builder().host("127.0.0.1").port(0)
                .extensions("permessage-deflate").maxMessageSize(LIMIT).closeTimeout(Duration.ofSeconds(1))
                .route("/bomb", serverSide).build().start();
        byte[] bomb = bomb(INFLATED);
        try (RawPeer raw = new RawPeer(server.port())) {
            assertThat(raw.handshake("/bomb", "Sec-WebSocket-Extensions: permessage-deflate").status()).isEqualTo(101);
            long allocatedBefore = Resources.allocatedByServerLoops();
            sendInFragments(raw, bomb, 1000);
            RawPeer.Frame close = raw.readUntilClose();
            assertThat(close.closeCode()).isEqualTo(1009);
            assertThat(Resources.allocatedByServerLoops() - allocatedBefore).isLessThan(4L * LIMIT);
        }
        assertThat(serverSide.awaitClose().code()).isEqualTo(1009);
        RecordingHandler.Event error = serverSide.next();
        assertThat(error.type()).isEqualTo("error");
        assertThat(((ProtocolException) error.value()).closeCode()).isEqualTo(1009);
        serverSide.assertExhausted();
    }

    /**
     * Sends {@code message} as one compressed binary message (RSV1 on the first frame) in masked
     * fragments of {@code part} bytes, until the server fails the connection.
     */
    static void sendInFragments(RawPeer raw, byte[] message, int part) {
        for (int off = 0; off < message.length; off += part) {
            int end = Math.min(message.length, off + part);
            int b0 = (off == 0 ? 0x42 : 0x00) | (end == message.length ? 0x80 : 0);
            try {
                raw.sendFrame(b0, Arrays.copyOfRange(message, off, end), true);
            } catch (java.io.IOException e) {
                return; // the server failed the connection already
            }
        }
    }
}
