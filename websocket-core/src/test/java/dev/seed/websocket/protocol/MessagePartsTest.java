package dev.seed.websocket.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seed.websocket.protocol.extension.Extension;
import dev.seed.websocket.protocol.extension.PerMessageDeflate;
import dev.seed.websocket.protocol.extension.PerMessageDeflateExtension;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Messages in parts (streaming) in the sans-I/O engine: received parts on character boundaries,
 * without the size limits, through permessage-deflate; inbound pause; parts sent as RFC 6455
 * section 5.4 fragments, compressed as one RFC 7692 stream. A client engine writes the frames a
 * server engine reads, and the other way round.
 */
class MessagePartsTest {

    /** Records parts and the bytes written. */
    static final class Parts implements ProtocolListener, ProtocolOutput {
        final List<String> events = new ArrayList<>();
        final StringBuilder text = new StringBuilder();
        final ByteArrayOutputStream binary = new ByteArrayOutputStream();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        int lastParts;
        Runnable onPart = () -> { };

        @Override
        public void onTextPart(String part, boolean last) {
            // every part is whole characters: no lone surrogate at either end
            assertThat(part.isEmpty() || !Character.isLowSurrogate(part.charAt(0))).isTrue();
            assertThat(part.isEmpty() || !Character.isHighSurrogate(part.charAt(part.length() - 1))).isTrue();
            text.append(part);
            lastParts += last ? 1 : 0;
            events.add("text-part:" + part.length() + (last ? ":last" : ""));
            onPart.run();
        }

        @Override
        public void onBinaryPart(ByteBuffer part, boolean last) {
            byte[] b = new byte[part.remaining()];
            part.get(b);
            binary.writeBytes(b);
            lastParts += last ? 1 : 0;
            events.add("binary-part:" + b.length + (last ? ":last" : ""));
            onPart.run();
        }

        @Override
        public void onText(String text) {
            events.add("text:" + text);
            onPart.run();
        }

        @Override
        public void onBinary(ByteBuffer data) {
            events.add("binary:" + data.remaining());
            onPart.run();
        }

        @Override
        public void onPing(ByteBuffer data) {
            events.add("ping");
        }

        @Override
        public void onPong(ByteBuffer data) {
            events.add("pong");
        }

        @Override
        public void onCloseFrame(int code, String reason) {
            events.add("close:" + code);
        }

        @Override
        public void onProtocolError(ProtocolException error) {
            events.add("error:" + error.closeCode());
        }

        @Override
        public void write(ByteBuffer bytes) {
            byte[] b = new byte[bytes.remaining()];
            bytes.get(b);
            out.writeBytes(b);
        }

        @Override
        public void closeTransport() {
        }

        byte[] takeOutput() {
            byte[] b = out.toByteArray();
            out.reset();
            return b;
        }
    }

    private static final ProtocolConfig SMALL_LIMITS = ProtocolConfig.builder()
            .maxFrameSize(1024).maxMessageSize(4096).maxFragments(4).build();

    private static String mixedText(int chars, long seed) {
        String[] pieces = {"a", "é", "€", "😀", "字", " ", "ß", "🎉"};
        Random r = new Random(seed);
        StringBuilder b = new StringBuilder();
        while (b.length() < chars) {
            b.append(pieces[r.nextInt(pieces.length)]);
        }
        return b.toString();
    }

    /** A client engine's frames for {@code send}, as bytes a server reads. */
    private static byte[] clientFrames(ProtocolConfig config, List<Extension> extensions,
            java.util.function.Consumer<WebSocketProtocol> send) {
        Parts sink = new Parts();
        WebSocketProtocol client = new WebSocketProtocol(Role.CLIENT, config, extensions, sink, sink, () -> 0x1234abcd);
        send.accept(client);
        return sink.takeOutput();
    }

    private static WebSocketProtocol streamingServer(Parts parts, List<Extension> extensions) {
        WebSocketProtocol server = new WebSocketProtocol(Role.SERVER, SMALL_LIMITS, extensions, parts, parts);
        server.deliverParts(true);
        return server;
    }

    private static void feedInChunks(WebSocketProtocol engine, byte[] wire, int chunk) {
        for (int i = 0; i < wire.length; i += chunk) {
            engine.receive(ByteBuffer.wrap(wire, i, Math.min(chunk, wire.length - i)));
        }
    }

    @Test
    void serverReceivesTextInPartsThatAreWholeCharactersWhereverTheReadsSplitIt() {
        String message = mixedText(300, 1);
        byte[] wire = clientFrames(ProtocolConfig.defaults(), List.of(), c -> c.sendText(message));
        for (int chunk : new int[] {1, 2, 3, 5, 7, 64, wire.length}) {
            Parts parts = new Parts();
            feedInChunks(streamingServer(parts, List.of()), wire.clone(), chunk); // unmasked in place: a copy each
            assertThat(parts.text.toString()).as("chunks of %d", chunk).isEqualTo(message);
            assertThat(parts.lastParts).isEqualTo(1);
            assertThat(parts.events.get(parts.events.size() - 1)).endsWith(":last");
        }
    }

    @Test
    void serverReceivesMessageOverEveryLimitInParts() {
        // 64 KiB in one frame, with limits of 1 KiB a frame, 4 KiB a message and 4 fragments
        byte[] big = new byte[64 * 1024];
        new Random(2).nextBytes(big);
        byte[] oneFrame = clientFrames(ProtocolConfig.defaults(), List.of(), c -> c.sendBinary(ByteBuffer.wrap(big)));
        Parts parts = new Parts();
        feedInChunks(streamingServer(parts, List.of()), oneFrame, 4096);
        assertThat(parts.binary.toByteArray()).isEqualTo(big);
        // one part per read: the first read also held the frame header
        assertThat(parts.events).hasSize(17).startsWith("binary-part:4082").endsWith("binary-part:14:last");

        // the same bytes in 100 fragments of its own parts
        ProtocolConfig fragmented = ProtocolConfig.builder().outgoingFragmentSize(big.length / 100 + 1).build();
        byte[] fragments = clientFrames(fragmented, List.of(), c -> c.sendBinary(ByteBuffer.wrap(big)));
        Parts again = new Parts();
        feedInChunks(streamingServer(again, List.of()), fragments, 8192);
        assertThat(again.binary.toByteArray()).isEqualTo(big);
        assertThat(again.lastParts).isEqualTo(1);
        assertThat(again.events).noneMatch(e -> e.startsWith("error"));
    }

    @Test
    void serverStillEnforcesLimitsOnWholeMessagesAndPerConnectionLimitChanges() {
        byte[] wire = clientFrames(ProtocolConfig.defaults(), List.of(), c -> c.sendBinary(ByteBuffer.allocate(2000)));
        Parts parts = new Parts();
        WebSocketProtocol server = new WebSocketProtocol(Role.SERVER,
                ProtocolConfig.builder().maxMessageSize(4096).build(), List.of(), parts, parts);
        server.maxMessageSize(1000);
        assertThat(server.maxMessageSize()).isEqualTo(1000);
        server.receive(ByteBuffer.wrap(wire));
        assertThat(parts.events).containsExactly("error:1009");

        Parts raised = new Parts();
        WebSocketProtocol other = new WebSocketProtocol(Role.SERVER,
                ProtocolConfig.builder().maxMessageSize(1000).build(), List.of(), raised, raised);
        other.maxMessageSize(4096);
        other.receive(ByteBuffer.wrap(wire));
        assertThat(raised.events).containsExactly("binary:2000");
    }

    @Test
    void serverFailsInvalidUtf8InTheMiddleOfAStreamedTextWith1007AfterTheValidParts() {
        byte[] valid = "hello, ".getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[valid.length + 3];
        System.arraycopy(valid, 0, payload, 0, valid.length);
        payload[valid.length] = (byte) 0xC3;   // lead byte
        payload[valid.length + 1] = (byte) 0x28; // not a continuation byte
        payload[valid.length + 2] = 'x';
        byte[] first = clientFrames(ProtocolConfig.defaults(), List.of(),
                c -> c.sendTextPart("hello, ", false, Extension.ENCODE_DEFAULT));
        Parts parts = new Parts();
        WebSocketProtocol server = streamingServer(parts, List.of());
        server.receive(ByteBuffer.wrap(first));
        byte[] bad = TestFrames.encode(new TestFrames.Frame(WireFormat.OPCODE_CONTINUATION, true, 0,
                new byte[] {(byte) 0xC3, 0x28}), true, 0x01020304);
        server.receive(ByteBuffer.wrap(bad));
        assertThat(parts.events).containsExactly("text-part:7", "error:1007");
    }

    @Test
    void serverReceivesCompressedMessagesInPartsThroughOneInflater() throws Exception {
        PerMessageDeflate config = PerMessageDeflate.builder().compressionThreshold(0).build();
        PerMessageDeflateExtension serverExt = (PerMessageDeflateExtension) config.negotiate(config.offers()).orElseThrow();
        Extension clientExt = config.accept(serverExt.parameters());
        String text = mixedText(50_000, 3);
        byte[] bin = new byte[200_000];
        for (int i = 0; i < bin.length; i++) {
            bin[i] = (byte) (i % 251 < 200 ? 'x' : i);
        }
        Parts sink = new Parts();
        WebSocketProtocol client = new WebSocketProtocol(Role.CLIENT, ProtocolConfig.defaults(), List.of(clientExt),
                sink, sink, () -> 7);
        client.sendText(text);
        client.sendBinary(ByteBuffer.wrap(bin));
        client.sendText(text); // context takeover: refers back to the first
        byte[] wire = sink.takeOutput();
        int plain = 2 * text.getBytes(StandardCharsets.UTF_8).length + bin.length;
        assertThat(wire.length).isLessThan(plain / 2);

        Parts parts = new Parts();
        feedInChunks(streamingServer(parts, List.of(serverExt)), wire, 1000);
        assertThat(parts.text.toString()).isEqualTo(text + text);
        assertThat(parts.binary.toByteArray()).isEqualTo(bin);
        assertThat(parts.lastParts).isEqualTo(3);
        assertThat(parts.events).noneMatch(e -> e.startsWith("error"));
    }

    @Test
    void pausedEngineLeavesTheRestOfItsInputUntilResumed() {
        byte[] wire = clientFrames(ProtocolConfig.defaults(), List.of(), c -> {
            c.sendText("one");
            c.sendText("two");
            c.sendPing(ByteBuffer.allocate(0));
            c.sendText("three");
        });
        Parts parts = new Parts();
        WebSocketProtocol server = new WebSocketProtocol(Role.SERVER, ProtocolConfig.defaults(), List.of(), parts, parts);
        parts.onPart = server::pauseReceiving;
        ByteBuffer input = ByteBuffer.wrap(wire);
        server.receive(input);
        assertThat(parts.events).containsExactly("text:one");
        assertThat(server.receivingPaused()).isTrue();
        assertThat(input.hasRemaining()).isTrue();

        server.resumeReceiving();
        server.receive(input);
        assertThat(parts.events).containsExactly("text:one", "text:two");

        parts.onPart = () -> { };
        server.resumeReceiving();
        server.receive(input);
        assertThat(input.hasRemaining()).isFalse();
        assertThat(parts.events).containsExactly("text:one", "text:two", "ping", "text:three");
    }

    @Test
    void clientSendsTextInPartsAsFragmentsJoiningASurrogatePairSplitBetweenParts() {
        String emoji = "😀"; // a surrogate pair
        Parts sink = new Parts();
        WebSocketProtocol client = new WebSocketProtocol(Role.CLIENT, ProtocolConfig.defaults(), List.of(), sink, sink, () -> 5);
        assertThat(client.sendTextPart("ab" + emoji.charAt(0), false, Extension.ENCODE_DEFAULT)).isTrue();
        assertThat(client.sendingParts()).isTrue();
        assertThat(client.sendTextPart(emoji.charAt(1) + "cd", false, Extension.ENCODE_DEFAULT)).isTrue();
        assertThat(client.sendTextPart("", true, Extension.ENCODE_DEFAULT)).isTrue();
        assertThat(client.sendingParts()).isFalse();

        byte[] wire = sink.takeOutput();
        // frame 1: text without FIN; then continuation without FIN; then an empty final continuation
        assertThat(wire[0] & 0xFF).isEqualTo(0x01);
        Parts received = new Parts();
        WebSocketProtocol server = new WebSocketProtocol(Role.SERVER, ProtocolConfig.defaults(), List.of(), received, received);
        server.receive(ByteBuffer.wrap(wire));
        assertThat(received.events).containsExactly("text:ab" + emoji + "cd");
    }

    @Test
    void wholeMessagesAndPartsOfTheOtherTypeAreRefusedWhileAMessageIsInParts() {
        Parts sink = new Parts();
        WebSocketProtocol server = new WebSocketProtocol(Role.SERVER, ProtocolConfig.defaults(), List.of(), sink, sink);
        server.sendBinaryPart(ByteBuffer.wrap(new byte[] {1, 2}), false, Extension.ENCODE_DEFAULT);
        assertThatThrownBy(() -> server.sendText("whole")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> server.sendTextPart("x", true, Extension.ENCODE_DEFAULT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("A binary message is being sent in parts: finish it first.");
        // control frames interleave (RFC 6455 section 5.4: "Control frames MAY be injected")
        assertThat(server.sendPing(ByteBuffer.allocate(0))).isTrue();
        server.sendBinaryPart(ByteBuffer.wrap(new byte[] {3}), true, Extension.ENCODE_DEFAULT);
        assertThat(server.sendText("whole")).isTrue();
        byte[] wire = sink.takeOutput();
        Parts received = new Parts();
        WebSocketProtocol client = new WebSocketProtocol(Role.CLIENT, ProtocolConfig.defaults(), List.of(), received, received);
        client.receive(ByteBuffer.wrap(wire));
        assertThat(received.events).containsExactly("ping", "binary:3", "text:whole");
    }

    @Test
    void partsSentCompressedFormOneDeflateStreamWithRsv1OnTheFirstFrameOnly() throws Exception {
        PerMessageDeflate config = PerMessageDeflate.builder().compressionThreshold(0).build();
        PerMessageDeflateExtension serverExt = (PerMessageDeflateExtension) config.negotiate(config.offers()).orElseThrow();
        Extension clientExt = config.accept(serverExt.parameters());
        Parts sink = new Parts();
        WebSocketProtocol server = new WebSocketProtocol(Role.SERVER, ProtocolConfig.defaults(), List.of(serverExt), sink, sink);
        String chunk = "{\"user\":\"ann\",\"text\":\"hello hello hello\"}";
        for (int i = 0; i < 50; i++) {
            server.sendTextPart(chunk, false, Extension.ENCODE_DEFAULT);
        }
        server.sendTextPart("", true, Extension.ENCODE_DEFAULT); // an empty last part after a flush
        server.sendBinaryPart(ByteBuffer.wrap(new byte[] {9, 9, 9}), true, Extension.ENCODE_DO_NOT_COMPRESS);
        server.sendText("after");
        byte[] wire = sink.takeOutput();
        assertThat(wire[0] & 0xFF).as("first frame: text, RSV1, no FIN").isEqualTo(0x41);
        assertThat(wire.length).isLessThan(50 * chunk.length() / 2);

        Parts received = new Parts();
        WebSocketProtocol client = new WebSocketProtocol(Role.CLIENT, ProtocolConfig.defaults(), List.of(clientExt),
                received, received);
        client.receive(ByteBuffer.wrap(wire));
        assertThat(received.events).containsExactly("text:" + chunk.repeat(50), "binary:3", "text:after");
    }

    @Test
    void compressionHintsDecideForWholeMessages() throws Exception {
        PerMessageDeflate config = PerMessageDeflate.builder().compressionThreshold(1024).build();
        PerMessageDeflateExtension serverExt = (PerMessageDeflateExtension) config.negotiate(config.offers()).orElseThrow();
        Parts sink = new Parts();
        WebSocketProtocol server = new WebSocketProtocol(Role.SERVER, ProtocolConfig.defaults(), List.of(serverExt), sink, sink);
        ByteBuffer small = ByteBuffer.wrap("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".getBytes(StandardCharsets.US_ASCII));
        server.sendMessage(WireFormat.OPCODE_TEXT, small.duplicate(), Extension.ENCODE_DEFAULT);
        assertThat(sink.takeOutput()[0] & 0xFF).as("below the threshold: plain").isEqualTo(0x81);
        server.sendMessage(WireFormat.OPCODE_TEXT, small.duplicate(), Extension.ENCODE_COMPRESS);
        assertThat(sink.takeOutput()[0] & 0xFF).as("asked: compressed").isEqualTo(0xC1);
        ByteBuffer large = ByteBuffer.wrap("b".repeat(4096).getBytes(StandardCharsets.US_ASCII));
        server.sendMessage(WireFormat.OPCODE_TEXT, large.duplicate(), Extension.ENCODE_DO_NOT_COMPRESS);
        byte[] plain = sink.takeOutput();
        assertThat(plain[0] & 0xFF).as("asked not to: plain").isEqualTo(0x81);
        assertThat(plain.length).isEqualTo(4 + 4096);
    }

    @Test
    void pauseStopsInflationInTheMiddleOfAChunkAndResumeGoesOnWhereItStopped() throws Exception {
        PerMessageDeflate config = PerMessageDeflate.builder().compressionThreshold(0).build();
        PerMessageDeflateExtension serverExt = (PerMessageDeflateExtension) config.negotiate(config.offers()).orElseThrow();
        Extension clientExt = config.accept(serverExt.parameters());
        byte[] zeros = new byte[4 * 1024 * 1024]; // inflates from a few KiB: a bomb for a paused reader
        byte[] wire = clientFrames(ProtocolConfig.defaults(), List.of(clientExt), c -> {
            c.sendBinary(ByteBuffer.wrap(zeros));
            c.sendText("after");
        });
        assertThat(wire.length).isLessThan(10_000);
        Parts parts = new Parts();
        WebSocketProtocol server = streamingServer(parts, List.of(serverExt));
        parts.onPart = server::pauseReceiving; // a reader that takes one part at a time
        ByteBuffer input = ByteBuffer.wrap(wire);
        server.receive(input);
        int rounds = 0;
        while (parts.lastParts < 2 && rounds++ < 10_000) {
            int before = parts.events.size();
            server.resumeReceiving();
            server.receive(input);
            // never more than one part per resume: inflation stops at the pause
            assertThat(parts.events.size() - before).isLessThanOrEqualTo(1);
        }
        assertThat(parts.binary.toByteArray()).isEqualTo(zeros);
        assertThat(parts.text.toString()).isEqualTo("after");
        assertThat(parts.events).noneMatch(e -> e.startsWith("error"));
    }
}
