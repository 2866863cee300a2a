package dev.seed.websocket.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sans-I/O engine fed literal wire bytes, grouped by RFC 6455 topic. Symmetric names:
 * what a server does and what a client does.
 */
class WebSocketProtocolTest {

    /** Records events and output. */
    static final class Recorder implements ProtocolListener, ProtocolOutput {
        final List<String> events = new ArrayList<>();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        int transportCloses;
        boolean lastBinaryDirect;
        byte[] lastBinary;

        @Override
        public void onText(String text) {
            events.add("text:" + text);
        }

        @Override
        public void onBinary(ByteBuffer data) {
            lastBinaryDirect = data.isDirect();
            lastBinary = new byte[data.remaining()];
            data.duplicate().get(lastBinary);
            events.add("binary:" + data.remaining());
        }

        @Override
        public void onPing(ByteBuffer data) {
            events.add("ping:" + StandardCharsets.UTF_8.decode(data.duplicate()));
        }

        @Override
        public void onPong(ByteBuffer data) {
            events.add("pong:" + StandardCharsets.UTF_8.decode(data.duplicate()));
        }

        @Override
        public void onCloseFrame(int code, String reason) {
            events.add("close:" + code + ":" + reason);
        }

        @Override
        public void onProtocolError(ProtocolException error) {
            events.add("error:" + error.closeCode() + ":" + error.getMessage());
        }

        @Override
        public void write(ByteBuffer bytes) {
            byte[] b = new byte[bytes.remaining()];
            bytes.get(b);
            out.writeBytes(b);
        }

        @Override
        public void closeTransport() {
            transportCloses++;
        }

        /** The frames written so far, decoded (as the peer would see them), then cleared. */
        List<String> sentFrames(Role peerRole) throws ProtocolException {
            List<String> frames = new ArrayList<>();
            FrameDecoder d = new FrameDecoder(peerRole, Long.MAX_VALUE);
            d.allowReservedBits(WireFormat.B0_MASK_RSV);
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            int[] opcode = new int[1];
            d.decode(ByteBuffer.wrap(out.toByteArray()), new FrameHandler() {
                @Override
                public void onDataFrameStart(int op, boolean fin, int rsv, long length) {
                    opcode[0] = op;
                    payload.reset();
                }

                @Override
                public void onDataFramePayload(ByteBuffer chunk, boolean frameEnd) {
                    byte[] b = new byte[chunk.remaining()];
                    chunk.get(b);
                    payload.writeBytes(b);
                    if (frameEnd) {
                        frames.add(opcode[0] + ":" + payload.toString(StandardCharsets.UTF_8));
                    }
                }

                @Override
                public void onControlFrame(int op, int rsv, ByteBuffer p) {
                    if (op == WireFormat.OPCODE_CLOSE && p.remaining() >= 2) {
                        int code = ((p.get(p.position()) & 0xFF) << 8) | (p.get(p.position() + 1) & 0xFF);
                        p.position(p.position() + 2);
                        frames.add("close:" + code + ":" + StandardCharsets.UTF_8.decode(p));
                    } else {
                        frames.add(op + ":" + StandardCharsets.UTF_8.decode(p));
                    }
                }
            });
            out.reset();
            return frames;
        }
    }

    private final Recorder rec = new Recorder();

    private WebSocketProtocol server() {
        return new WebSocketProtocol(Role.SERVER, ProtocolConfig.defaults(), List.of(), rec, rec, () -> 0x37fa213d);
    }

    private WebSocketProtocol server(ProtocolConfig config) {
        return new WebSocketProtocol(Role.SERVER, config, List.of(), rec, rec, () -> 0x37fa213d);
    }

    private WebSocketProtocol client() {
        return new WebSocketProtocol(Role.CLIENT, ProtocolConfig.defaults(), List.of(), rec, rec, () -> 0x37fa213d);
    }

    private static ByteBuffer bytes(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length);
        for (int v : values) {
            b.put((byte) v);
        }
        return b.flip();
    }

    /** A frame as a client sends it (masked with a fixed key). */
    private static ByteBuffer masked(int b0, byte[] payload) {
        return ByteBuffer.wrap(dev.seed.websocket.it.RawPeer.frame(b0, payload, true, payload.length, 0x01020304));
    }

    private static ByteBuffer unmasked(int b0, byte[] payload) {
        return ByteBuffer.wrap(dev.seed.websocket.it.RawPeer.frame(b0, payload, false, payload.length, 0));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] closePayload(int code, String reason) {
        byte[] r = utf8(reason);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        return p;
    }

    // ------------------------------------------------------------ 5.7 examples

    @Test
    void serverReceivesTheRfcMaskedHelloExample() {
        WebSocketProtocol p = server();
        p.receive(bytes(0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58));
        assertThat(rec.events).containsExactly("text:Hello");
    }

    @Test
    void clientReceivesTheRfcFragmentedHelloExample() {
        WebSocketProtocol p = client();
        p.receive(bytes(0x01, 0x03, 0x48, 0x65, 0x6c));
        assertThat(rec.events).isEmpty();
        p.receive(bytes(0x80, 0x02, 0x6c, 0x6f));
        assertThat(rec.events).containsExactly("text:Hello");
    }

    @Test
    void clientSendsTheRfcMaskedHelloExample() {
        WebSocketProtocol p = client();
        p.sendText("Hello");
        assertThat(rec.out.toByteArray()).containsExactly(
                0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58);
    }

    @Test
    void serverSendsTheRfcUnmaskedHelloExample() {
        WebSocketProtocol p = server();
        p.sendText("Hello");
        assertThat(rec.out.toByteArray()).containsExactly(0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f);
    }

    // ------------------------------------------------------------ 5.1 masking

    @Test
    void serverRejectsUnmaskedFrameWith1002() throws Exception {
        WebSocketProtocol p = server();
        p.receive(unmasked(0x81, utf8("hi")));
        assertThat(rec.events).containsExactly("error:1002:Client frames must be masked.");
        assertThat(rec.sentFrames(Role.CLIENT)).containsExactly("close:1002:Client frames must be masked.");
        assertThat(rec.transportCloses).isEqualTo(1);
        assertThat(p.closeCode()).isEqualTo(1002);
    }

    @Test
    void clientRejectsMaskedFrameWith1002ButWaitsForTheServerToCloseTcp() throws Exception {
        WebSocketProtocol p = client();
        p.receive(masked(0x81, utf8("hi")));
        assertThat(rec.events).containsExactly("error:1002:Server frames must not be masked.");
        assertThat(rec.sentFrames(Role.SERVER)).containsExactly("close:1002:Server frames must not be masked.");
        assertThat(rec.transportCloses).isZero();
    }

    // ------------------------------------------------------------ 5.4 fragmentation

    @Test
    void controlFramesInterleavedInAFragmentedMessageAreHandledAtOnce() throws Exception {
        WebSocketProtocol p = server();
        p.receive(masked(0x01, utf8("frag")));
        p.receive(masked(0x89, utf8("ping in the middle")));
        assertThat(rec.events).containsExactly("ping:ping in the middle");
        assertThat(rec.sentFrames(Role.CLIENT)).containsExactly("10:ping in the middle");
        p.receive(masked(0x00, utf8("men")));
        p.receive(masked(0x8A, utf8("pong too")));
        p.receive(masked(0x80, utf8("ted")));
        assertThat(rec.events).containsExactly("ping:ping in the middle", "pong:pong too", "text:fragmented");
    }

    @Test
    void invalidUtf8FailsAtTheFirstBadFragmentNotAtTheEnd() throws Exception {
        WebSocketProtocol p = server();
        p.receive(masked(0x01, utf8("valid start ")));
        assertThat(rec.events).isEmpty();
        p.receive(masked(0x00, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}));
        assertThat(rec.events).containsExactly("error:1007:Invalid UTF-8 in text message.");
        assertThat(rec.sentFrames(Role.CLIENT)).containsExactly("close:1007:Invalid UTF-8 in text message.");
    }

    @Test
    void truncatedUtf8AtTheEndOfATextMessageFailsWith1007() {
        WebSocketProtocol p = server();
        p.receive(masked(0x81, new byte[] {'a', (byte) 0xE2, (byte) 0x82}));
        assertThat(rec.events).containsExactly("error:1007:Invalid UTF-8 in text message.");
    }

    @Test
    void utf8SequenceSplitAcrossFragmentsIsValid() {
        WebSocketProtocol p = server();
        byte[] euro = utf8("€");
        p.receive(masked(0x01, new byte[] {euro[0]}));
        p.receive(masked(0x00, new byte[] {euro[1]}));
        p.receive(masked(0x80, new byte[] {euro[2]}));
        assertThat(rec.events).containsExactly("text:€");
    }

    @Test
    void continuationWithoutAStartFailsWith1002() {
        WebSocketProtocol p = server();
        p.receive(masked(0x80, utf8("x")));
        assertThat(rec.events).containsExactly("error:1002:Continuation frame without a message to continue.");
    }

    @Test
    void newDataFrameInsideAFragmentedMessageFailsWith1002() {
        WebSocketProtocol p = server();
        p.receive(masked(0x01, utf8("x")));
        p.receive(masked(0x81, utf8("y")));
        assertThat(rec.events).containsExactly("error:1002:Data frame inside a fragmented message.");
    }

    // ------------------------------------------------------------ 10.4 limits

    @Test
    void messageOverTheLimitFailsWith1009BeforeItsPayloadArrives() {
        WebSocketProtocol p = server(ProtocolConfig.builder().maxMessageSize(1000).build());
        ByteBuffer header = ByteBuffer.wrap(dev.seed.websocket.it.RawPeer.frame(0x82, new byte[0], true, 5000, 1));
        p.receive(header);
        assertThat(rec.events).containsExactly("error:1009:Message too large.");
    }

    @Test
    void messageGrowingPastTheLimitFragmentByFragmentFailsWith1009() {
        WebSocketProtocol p = server(ProtocolConfig.builder().maxMessageSize(1000).build());
        p.receive(masked(0x02, new byte[600]));
        assertThat(rec.events).isEmpty();
        p.receive(masked(0x80, new byte[600]));
        assertThat(rec.events).containsExactly("error:1009:Message too large.");
    }

    @Test
    void tooManyFragmentsFailWith1009() {
        WebSocketProtocol p = server(ProtocolConfig.builder().maxFragments(3).build());
        p.receive(masked(0x01, new byte[0]));
        p.receive(masked(0x00, new byte[0]));
        p.receive(masked(0x00, new byte[0]));
        p.receive(masked(0x00, new byte[0]));
        assertThat(rec.events).containsExactly("error:1009:Too many fragments.");
    }

    // ------------------------------------------------------------ 5.5.2 / 5.5.3 ping and pong

    @Test
    void serverAnswersPingWithPongCarryingTheSamePayload() throws Exception {
        WebSocketProtocol p = server();
        p.receive(masked(0x89, utf8("Hello")));
        assertThat(rec.sentFrames(Role.CLIENT)).containsExactly("10:Hello");
        assertThat(rec.events).containsExactly("ping:Hello");
    }

    @Test
    void applicationCanTakeOverAnsweringPings() throws Exception {
        WebSocketProtocol p = server(ProtocolConfig.builder().autoPong(false).build());
        p.receive(masked(0x89, utf8("Hello")));
        assertThat(rec.sentFrames(Role.CLIENT)).isEmpty();
        p.sendPong(ByteBuffer.wrap(utf8("mine")));
        assertThat(rec.sentFrames(Role.CLIENT)).containsExactly("10:mine");
    }

    @Test
    void unsolicitedPongIsDeliveredNotAnError() {
        WebSocketProtocol p = client();
        p.receive(unmasked(0x8A, utf8("heartbeat")));
        assertThat(rec.events).containsExactly("pong:heartbeat");
    }

    // ------------------------------------------------------------ 5.5.1 / 7 closing

    @Test
    void serverEchoesThePeersCloseCodeAndClosesTcpFirst() throws Exception {
        WebSocketProtocol p = server();
        p.receive(masked(0x88, closePayload(1000, "bye")));
        assertThat(rec.events).containsExactly("close:1000:bye");
        assertThat(rec.sentFrames(Role.CLIENT)).containsExactly("close:1000:bye");
        assertThat(rec.transportCloses).isEqualTo(1);
        assertThat(p.state()).isEqualTo(ProtocolEngine.State.CLOSING);
        p.receiveEof();
        assertThat(p.state()).isEqualTo(ProtocolEngine.State.CLOSED);
        assertThat(p.closeCode()).isEqualTo(1000);
        assertThat(p.closeReason()).isEqualTo("bye");
    }

    @Test
    void clientEchoesCloseAndWaitsForTheServerToCloseTcp() throws Exception {
        WebSocketProtocol p = client();
        p.receive(unmasked(0x88, closePayload(1001, "")));
        assertThat(rec.sentFrames(Role.SERVER)).containsExactly("close:1001:");
        assertThat(rec.transportCloses).isZero();
    }

    @Test
    void serverThatClosesFirstClosesTcpOnceThePeerAnswers() throws Exception {
        WebSocketProtocol p = server();
        p.sendClose(4000, "app");
        assertThat(rec.sentFrames(Role.CLIENT)).containsExactly("close:4000:app");
        assertThat(rec.transportCloses).isZero();
        assertThat(p.sendText("late")).isFalse();
        p.receive(masked(0x88, closePayload(4000, "")));
        assertThat(rec.sentFrames(Role.CLIENT)).isEmpty();
        assertThat(rec.transportCloses).isEqualTo(1);
        assertThat(p.closeCode()).isEqualTo(4000);
    }

    @Test
    void emptyCloseFrameIsSeenAs1005AndAnsweredEmpty() throws Exception {
        WebSocketProtocol p = server();
        p.receive(masked(0x88, new byte[0]));
        assertThat(rec.events).containsExactly("close:1005:");
        assertThat(rec.out.toByteArray()).containsExactly(0x88, 0x00);
        assertThat(p.closeCode()).isEqualTo(1005);
    }

    @Test
    void closeFrameWithOneBytePayloadFailsWith1002() {
        WebSocketProtocol p = server();
        p.receive(masked(0x88, new byte[] {3}));
        assertThat(rec.events).containsExactly("error:1002:Close frame payload of one byte.");
    }

    @Test
    void closeCodesOutsideTheValidRangesFailWith1002() {
        for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535}) {
            Recorder r = new Recorder();
            WebSocketProtocol p = new WebSocketProtocol(Role.SERVER, ProtocolConfig.defaults(), List.of(), r, r);
            p.receive(masked(0x88, closePayload(code, "")));
            assertThat(r.events).as("code %d", code).containsExactly("error:1002:Invalid close code " + code + ".");
        }
        for (int code : new int[] {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999}) {
            Recorder r = new Recorder();
            WebSocketProtocol p = new WebSocketProtocol(Role.SERVER, ProtocolConfig.defaults(), List.of(), r, r);
            p.receive(masked(0x88, closePayload(code, "")));
            assertThat(r.events).as("code %d", code).containsExactly("close:" + code + ":");
        }
    }

    @Test
    void closeReasonThatIsNotUtf8FailsWith1007() {
        WebSocketProtocol p = server();
        byte[] payload = {0x03, (byte) 0xE8, (byte) 0xC0, (byte) 0x80};
        p.receive(masked(0x88, payload));
        assertThat(rec.events).containsExactly("error:1007:Invalid UTF-8 in close reason.");
    }

    @Test
    void dataAfterThePeersCloseIsIgnored() {
        WebSocketProtocol p = server();
        ByteBuffer both = ByteBuffer.allocate(64);
        both.put(masked(0x88, closePayload(1000, ""))).put(masked(0x81, utf8("late"))).flip();
        p.receive(both);
        assertThat(rec.events).containsExactly("close:1000:");
    }

    @Test
    void connectionEndingWithoutACloseFrameIs1006() {
        WebSocketProtocol p = server();
        p.receive(masked(0x81, utf8("hi")));
        p.receiveEof();
        assertThat(p.closeCode()).isEqualTo(1006);
        assertThat(p.state()).isEqualTo(ProtocolEngine.State.CLOSED);
        assertThat(p.sendText("x")).isFalse();
    }

    @Test
    void applicationCloseArgumentsAreCheckedAtOnce() {
        WebSocketProtocol p = server();
        assertThatThrownBy(() -> p.sendClose(1005, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.sendClose(1006, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.sendClose(2500, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> p.sendClose(1000, "x".repeat(124))).isInstanceOf(IllegalArgumentException.class);
        assertThat(p.sendClose(1000, "x".repeat(123))).isTrue();
        assertThat(p.sendClose(1000, "")).isFalse();
        assertThatThrownBy(() -> p.sendPing(ByteBuffer.allocate(126))).isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------ data path

    @Test
    void singleFrameBinaryInOneReadIsDeliveredWithoutACopy() {
        WebSocketProtocol p = server();
        ByteBuffer frame = masked(0x82, new byte[300]);
        ByteBuffer direct = ByteBuffer.allocateDirect(frame.remaining()).put(frame).flip();
        p.receive(direct);
        assertThat(rec.events).containsExactly("binary:300");
        assertThat(rec.lastBinaryDirect).as("a slice of the read buffer").isTrue();
    }

    @Test
    void frameSplitAcrossReadsIsAssembledByteByByte() {
        WebSocketProtocol p = server();
        ByteBuffer frame = masked(0x81, utf8("split across many reads, é and 😀"));
        while (frame.hasRemaining()) {
            p.receive(ByteBuffer.wrap(new byte[] {frame.get()}));
        }
        assertThat(rec.events).containsExactly("text:split across many reads, é and 😀");
    }

    @Test
    void outgoingMessagesAreFragmentedWhenAskedTo() throws Exception {
        WebSocketProtocol p = server(ProtocolConfig.builder().outgoingFragmentSize(4).build());
        p.sendText("abcdefghij");
        assertThat(rec.sentFrames(Role.CLIENT)).containsExactly("1:abcd", "0:efgh", "0:ij");
    }

    @Test
    void serverDoesNotMaskAndClientMasksEveryFrame() {
        WebSocketProtocol s = server();
        s.sendBinary(ByteBuffer.wrap(new byte[5000]));
        byte[] sent = rec.out.toByteArray();
        assertThat(sent[1] & 0x80).isZero();
        rec.out.reset();
        WebSocketProtocol c = client();
        c.sendBinary(ByteBuffer.wrap(new byte[5000]));
        assertThat(rec.out.toByteArray()[1] & 0x80).isEqualTo(0x80);
    }

    /** RFC 7692 section 6: RSV1 means "compressed" on data frames only; on a control frame it fails. */
    @Test
    void serverReceivesPingWithRsv1WhilePermessageDeflateIsNegotiated() {
        dev.seed.websocket.protocol.extension.PerMessageDeflate deflate =
                dev.seed.websocket.protocol.extension.PerMessageDeflate.builder().build();
        dev.seed.websocket.protocol.extension.Extension ext = deflate.negotiate(
                dev.seed.websocket.protocol.extension.ExtensionParameters.parseHeader("permessage-deflate"))
                .orElseThrow();
        WebSocketProtocol p = new WebSocketProtocol(Role.SERVER, ProtocolConfig.defaults(), List.of(ext), rec, rec);
        p.receive(masked(0xC9, utf8("ping")));
        assertThat(rec.events).containsExactly("error:1002:Reserved bits set on a control frame.");
        assertThat(rec.transportCloses).isEqualTo(1);
    }

    @Test
    void clientReceivesCloseWithRsv1WhilePermessageDeflateIsNegotiated() throws Exception {
        dev.seed.websocket.protocol.extension.PerMessageDeflate deflate =
                dev.seed.websocket.protocol.extension.PerMessageDeflate.builder().build();
        dev.seed.websocket.protocol.extension.Extension ext = deflate.accept(
                dev.seed.websocket.protocol.extension.ExtensionParameters.parseHeader("permessage-deflate").get(0));
        WebSocketProtocol p = new WebSocketProtocol(Role.CLIENT, ProtocolConfig.defaults(), List.of(ext), rec, rec);
        p.receive(unmasked(0xC8, new byte[] {0x03, (byte) 0xe8}));
        assertThat(rec.events).containsExactly("error:1002:Reserved bits set on a control frame.");
        assertThat(rec.sentFrames(Role.SERVER)).containsExactly("close:1002:Reserved bits set on a control frame.");
    }

    /**
     * A binary message copied into its array is unmasked as it is copied (one pass): the bytes the
     * listener gets are the same whatever the frames and however the reads split them, through
     * both paths (the one chunk of a one-frame message is unmasked in place and lent).
     */
    @Test
    void aBinaryMessageUnmaskedWhileCopiedArrivesIntactWhateverTheSplits() throws Exception {
        java.util.Random random = new java.util.Random(11);
        for (int round = 0; round < 200; round++) {
            int length = random.nextInt(3000);
            byte[] message = new byte[length];
            random.nextBytes(message);
            List<TestFrames.Frame> frames = new ArrayList<>();
            int at = 0;
            do {
                int n = Math.min(length - at, random.nextInt(700));
                frames.add(new TestFrames.Frame(frames.isEmpty() ? 0x2 : 0x0, at + n == length,
                        0, java.util.Arrays.copyOfRange(message, at, at + n)));
                at += n;
            } while (at < length);
            byte[] wire = TestFrames.encode(frames, true, random::nextInt);
            Recorder rec = new Recorder();
            WebSocketProtocol p = new WebSocketProtocol(Role.SERVER, ProtocolConfig.defaults(), List.of(), rec, rec);
            for (int from = 0; from < wire.length; ) {
                int n = Math.min(wire.length - from, 1 + random.nextInt(round % 2 == 0 ? 9 : 2000));
                ByteBuffer read = ByteBuffer.allocateDirect(n);
                read.put(wire, from, n).flip();
                p.receive(read);
                from += n;
            }
            assertThat(rec.lastBinary).as("round %d, %d frames, events %s", round, frames.size(), rec.events).isEqualTo(message);
        }
    }
}
