package dev.seed.websocket.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.it.RawPeer;
import dev.seed.websocket.protocol.ProtocolConfig;
import dev.seed.websocket.protocol.ProtocolException;
import dev.seed.websocket.protocol.ProtocolListener;
import dev.seed.websocket.protocol.ProtocolOutput;
import dev.seed.websocket.protocol.Role;
import dev.seed.websocket.protocol.WebSocketProtocol;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 6455 section 5.5.3 in the sans-I/O engine: while its output is congested the engine owes
 * one pong for the most recent ping instead of queueing one per ping, and sends it when asked.
 */
class PongCoalescingTest {

    /** Records written frames' first byte and payload; congestion is switched by the test. */
    private static final class Output implements ProtocolOutput {
        final List<String> frames = new ArrayList<>();
        boolean congested;

        @Override
        public void write(ByteBuffer bytes) {
            int b0 = bytes.get(bytes.position()) & 0xFF;
            int length = bytes.get(bytes.position() + 1) & 0x7F;
            byte[] payload = new byte[length];
            bytes.get(bytes.position() + 2, payload);
            frames.add(Integer.toHexString(b0) + " " + new String(payload, java.nio.charset.StandardCharsets.ISO_8859_1));
        }

        @Override
        public void closeTransport() {
        }

        @Override
        public boolean congested() {
            return congested;
        }
    }

    private static final ProtocolListener IGNORE = new ProtocolListener() {
        @Override
        public void onText(String text) {
        }

        @Override
        public void onBinary(ByteBuffer data) {
        }

        @Override
        public void onPing(ByteBuffer data) {
        }

        @Override
        public void onPong(ByteBuffer data) {
        }

        @Override
        public void onCloseFrame(int code, String reason) {
        }

        @Override
        public void onProtocolError(ProtocolException error) {
        }
    };

    private static ByteBuffer ping(String payload) {
        return ByteBuffer.wrap(RawPeer.frame(0x89, payload.getBytes(), true, payload.length(), 0x01020304));
    }

    @Test
    void pingsWhileCongestedOweOnePongForTheMostRecentOne() {
        Output out = new Output();
        WebSocketProtocol engine = new WebSocketProtocol(Role.SERVER, ProtocolConfig.defaults(), List.of(), IGNORE, out);
        engine.receive(ping("a"));
        out.congested = true;
        engine.receive(ping("b"));
        engine.receive(ping("c"));
        assertThat(out.frames).containsExactly("8a a");
        out.congested = false;
        assertThat(engine.sendOwedPong()).isTrue();
        assertThat(engine.sendOwedPong()).isFalse();
        assertThat(out.frames).containsExactly("8a a", "8a c");
    }

    @Test
    void aPingAnsweredOnceTheOutputDrainedReplacesTheOwedPong() {
        Output out = new Output();
        WebSocketProtocol engine = new WebSocketProtocol(Role.SERVER, ProtocolConfig.defaults(), List.of(), IGNORE, out);
        out.congested = true;
        engine.receive(ping("old"));
        out.congested = false;
        engine.receive(ping("new"));
        assertThat(engine.sendOwedPong()).isFalse();
        assertThat(out.frames).containsExactly("8a new");
    }

    @Test
    void noOwedPongAfterTheCloseFrame() {
        Output out = new Output();
        WebSocketProtocol engine = new WebSocketProtocol(Role.SERVER, ProtocolConfig.defaults(), List.of(), IGNORE, out);
        out.congested = true;
        engine.receive(ping("x"));
        engine.sendClose(1000, "");
        assertThat(engine.sendOwedPong()).isFalse();
        assertThat(out.frames).containsExactly("88 \u0003\u00e8");
    }
}
