package dev.seed.websocket.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** draft-hixie-thewebsocketprotocol-76 section 5.3 framing, fed literal wire bytes. */
class Hixie76ProtocolTest {

    private final Recorder recorder = new Recorder();
    private final Hixie76Protocol engine = new Hixie76Protocol(recorder, recorder, 64);

    @AfterEach
    void assertExhausted() {
        assertThat(recorder.events).as("unexpected events").isEmpty();
    }

    private static ByteBuffer wire(int... bytes) {
        ByteBuffer b = ByteBuffer.allocate(bytes.length);
        for (int x : bytes) {
            b.put((byte) x);
        }
        return b.flip();
    }

    private static ByteBuffer wire(String iso) {
        return ByteBuffer.wrap(iso.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static ByteBuffer text(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(utf8.length + 2);
        return b.put((byte) 0x00).put(utf8).put((byte) 0xFF).flip();
    }

    // ---- receiving text

    @Test
    void serverReceivesTextFrames() {
        engine.receive(wire("\u0000Hello\u00ff\u0000\u00ff"));
        assertThat(recorder.next()).isEqualTo("text Hello");
        assertThat(recorder.next()).isEqualTo("text ");
        assertThat(engine.state()).isEqualTo(ProtocolEngine.State.OPEN);
    }

    @Test
    void serverReceivesUtf8SplitAtEveryByte() {
        ByteBuffer all = ByteBuffer.allocate(64);
        all.put(text("h\u00e9llo \u20ac\uD83D\uDE00")).put(text("second")).flip();
        byte[] bytes = new byte[all.remaining()];
        all.get(bytes);
        for (int split = 0; split <= bytes.length; split++) {
            Recorder r = new Recorder();
            Hixie76Protocol e = new Hixie76Protocol(r, r, 64);
            ByteBuffer first = ByteBuffer.wrap(bytes, 0, split);
            e.receive(first);
            assertThat(first.hasRemaining()).isFalse();
            e.receive(ByteBuffer.wrap(bytes, split, bytes.length - split));
            assertThat(r.next()).as("split %d", split).isEqualTo("text h\u00e9llo \u20ac\uD83D\uDE00");
            assertThat(r.next()).as("split %d", split).isEqualTo("text second");
            assertThat(r.events).isEmpty();
        }
    }

    @Test
    void serverFailsOnInvalidUtf8() {
        engine.receive(wire(0x00, 'a', 0xC3, 0x28, 0xFF));
        assertFailedAndClosed("error 1007 Invalid UTF-8 in text message.");
    }

    @Test
    void serverFailsOnTextEndingInsideACharacter() {
        engine.receive(wire(0x00, 'a', 0xE2, 0x82));
        assertThat(recorder.events).isEmpty();
        engine.receive(wire(0xFF));
        assertFailedAndClosed("error 1007 Invalid UTF-8 in text message.");
    }

    @Test
    void serverAcceptsTextOfTheMaximumSize() {
        engine.receive(text("a".repeat(64)));
        assertThat(recorder.next()).isEqualTo("text " + "a".repeat(64));
    }

    @Test
    void serverFailsOnTextOverTheMaximumSize() {
        engine.receive(wire("\u0000" + "a".repeat(40)));
        engine.receive(wire("a".repeat(25)));
        assertFailedAndClosed("error 1009 Message too big.");
    }

    /** The closing frame is queued, the error reported, then the TCP connection closed. */
    private void assertFailedAndClosed(String error) {
        assertThat(recorder.next()).isEqualTo("write ff00");
        assertThat(recorder.next()).isEqualTo(error);
        assertThat(recorder.next()).isEqualTo("closeTransport");
        assertThat(engine.state()).isEqualTo(ProtocolEngine.State.CLOSED);
        assertThat(engine.closeCode()).isEqualTo(1006);
        engine.receive(wire("\u0000more\u00ff"));
        assertThat(recorder.events).as("input after the failure is discarded").isEmpty();
    }

    // ---- frames that carry no text

    @Test
    void serverDiscardsLengthPrefixedFrames() {
        // type 0x80 with length 2, type 0xFE with length 0, type 0x80 with length 0x80 0x03 = 3
        engine.receive(wire(0x80, 0x02, 'a', 'b', 0xFE, 0x00));
        engine.receive(wire(0x80, 0x80, 0x03, 'x', 'y'));
        engine.receive(wire('z'));
        assertThat(recorder.events).isEmpty();
        engine.receive(wire(0xFF, 0x00));
        assertThat(recorder.next()).isEqualTo("write ff00");
        assertThat(recorder.next()).isEqualTo("close 1005 ");
        assertThat(recorder.next()).isEqualTo("closeTransport");
    }

    @Test
    void serverDiscardsTextFramesOfOtherTypes() {
        engine.receive(wire(0x01, 'a', 0xC3, 0x28, 0xFF, 0x7F, 0xFF));
        assertThat(recorder.events).isEmpty();
        assertThat(engine.state()).isEqualTo(ProtocolEngine.State.OPEN);
    }

    @Test
    void serverFailsOnALengthOverTheMaximumSize() {
        engine.receive(wire(0x80, 0x80 | 0x01));
        engine.receive(wire(0x00));
        assertFailedAndClosed("error 1009 Frame too big.");
    }

    @Test
    void serverFailsOnADiscardedTextFrameOverTheMaximumSize() {
        engine.receive(wire("\u0001" + "a".repeat(65)));
        assertFailedAndClosed("error 1009 Frame too big.");
    }

    // ---- closing handshake

    @Test
    void clientStartsTheClosingHandshake() {
        engine.receive(wire(0xFF, 0x00, 0x00, 'l', 'a', 't', 'e', 0xFF));
        assertThat(recorder.next()).isEqualTo("write ff00");
        assertThat(recorder.next()).isEqualTo("close 1005 ");
        assertThat(recorder.next()).isEqualTo("closeTransport");
        assertThat(engine.state()).isEqualTo(ProtocolEngine.State.CLOSED);
        assertThat(engine.closeReceived()).isTrue();
        assertThat(engine.closeSent()).isTrue();
        assertThat(engine.closeCode()).isEqualTo(1005);
        assertThat(engine.closeReason()).isEmpty();
        assertThat(engine.sendText("x")).isFalse();
        assertThat(engine.sendClose(1000, "")).isFalse();
    }

    @Test
    void closingFrameSplitAcrossReads() {
        engine.receive(wire(0xFF));
        assertThat(recorder.events).isEmpty();
        engine.receive(wire(0x00));
        assertThat(recorder.next()).isEqualTo("write ff00");
        assertThat(recorder.next()).isEqualTo("close 1005 ");
        assertThat(recorder.next()).isEqualTo("closeTransport");
    }

    @Test
    void closingFrameWithALongZeroLength() {
        engine.receive(wire(0xFF, 0x80, 0x00));
        assertThat(recorder.next()).isEqualTo("write ff00");
        assertThat(recorder.next()).isEqualTo("close 1005 ");
        assertThat(recorder.next()).isEqualTo("closeTransport");
    }

    @Test
    void serverStartsTheClosingHandshake() {
        assertThat(engine.sendClose(1001, "going away")).isTrue();
        assertThat(recorder.next()).isEqualTo("write ff00");
        assertThat(engine.state()).isEqualTo(ProtocolEngine.State.CLOSING);
        assertThat(engine.closeSent()).isTrue();
        assertThat(engine.sendClose(1000, "")).isFalse();
        assertThat(engine.sendText("late")).isFalse();
        assertThat(recorder.events).isEmpty();

        engine.receive(wire(0xFF, 0x00));
        assertThat(recorder.next()).as("no second closing frame").isEqualTo("close 1005 ");
        assertThat(recorder.next()).isEqualTo("closeTransport");
        assertThat(engine.state()).isEqualTo(ProtocolEngine.State.CLOSED);
        assertThat(engine.closeCode()).isEqualTo(1005);
    }

    @Test
    void connectionEndsWithoutClosingFrame() {
        engine.receive(wire(0x80, 0x05, 'a'));
        engine.receiveEof();
        assertThat(engine.state()).isEqualTo(ProtocolEngine.State.CLOSED);
        assertThat(engine.closeCode()).isEqualTo(1006);
        assertThat(engine.closeReason()).isEmpty();
        assertThat(engine.closeReceived()).isFalse();
        assertThat(engine.sendText("x")).isFalse();
        assertThat(engine.sendClose(1000, "")).isFalse();
    }

    @Test
    void sendCloseChecksItsArguments() {
        assertThatThrownBy(() -> engine.sendClose(1005, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> engine.sendClose(999, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> engine.sendClose(1000, "a".repeat(124)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Close reason longer than 123 bytes.");
        assertThat(engine.closeSent()).isFalse();
        assertThat(engine.sendClose(4000, "a".repeat(123))).isTrue();
        assertThat(recorder.next()).isEqualTo("write ff00");
    }

    // ---- sending

    @Test
    void serverSendsTextFrames() {
        assertThat(engine.sendText("h\u00e9 \u20ac\uD83D\uDE00")).isTrue();
        assertThat(recorder.next()).isEqualTo("write 0068c3a920e282acf09f9880ff");
        assertThat(engine.sendText("")).isTrue();
        assertThat(recorder.next()).isEqualTo("write 00ff");
        assertThatThrownBy(() -> engine.sendText("bad \uD83D")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Text is not valid UTF-16.");
        assertThatThrownBy(() -> engine.sendText("\uDE00")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hasNoBinaryPingOrPongFrames() {
        ByteBuffer data = ByteBuffer.allocate(1);
        assertThatThrownBy(() -> engine.sendBinary(data)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("hixie-76 has no binary frames.");
        assertThatThrownBy(() -> engine.sendPing(data)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("hixie-76 has no ping frames.");
        assertThatThrownBy(() -> engine.sendPong(data)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("hixie-76 has no pong frames.");
    }

    @Test
    void refusesAnInvalidMaximumSize() {
        assertThatThrownBy(() -> new Hixie76Protocol(recorder, recorder, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Records listener and output calls as short strings, in order. */
    static final class Recorder implements ProtocolListener, ProtocolOutput {

        final Deque<String> events = new ArrayDeque<>();

        String next() {
            assertThat(events).as("expected another event").isNotEmpty();
            return events.removeFirst();
        }

        @Override
        public void onText(String text) {
            events.add("text " + text);
        }

        @Override
        public void onBinary(ByteBuffer data) {
            events.add("binary");
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
            events.add("close " + code + " " + reason);
        }

        @Override
        public void onProtocolError(ProtocolException error) {
            events.add("error " + error.closeCode() + " " + error.getMessage());
        }

        @Override
        public void write(ByteBuffer bytes) {
            StringBuilder hex = new StringBuilder("write ");
            while (bytes.hasRemaining()) {
                hex.append(String.format("%02x", bytes.get() & 0xFF));
            }
            events.add(hex.toString());
        }

        @Override
        public void closeTransport() {
            events.add("closeTransport");
        }
    }
}
