package dev.seed.websocket.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.it.RawPeer;
import dev.seed.websocket.protocol.ProtocolConfig;
import dev.seed.websocket.protocol.ProtocolException;
import dev.seed.websocket.protocol.ProtocolListener;
import dev.seed.websocket.protocol.ProtocolOutput;
import dev.seed.websocket.protocol.Role;
import dev.seed.websocket.protocol.WebSocketProtocol;
import dev.seed.websocket.protocol.extension.Extension;
import dev.seed.websocket.protocol.extension.PerMessageDeflate;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 7692 section 6: "An endpoint MUST NOT set the 'Per-Message Compressed' bit of control
 * frames ... An endpoint receiving such a frame MUST Fail the WebSocket Connection." The frame
 * decoder lets RSV1 through once permessage-deflate is negotiated, so the engine must refuse it
 * on a control frame. Found by fuzzing (corpus input fuzz/frames/regression-control-frame-rsv1).
 */
class ControlFrameReservedBitsTest {

    @Test
    void pingWithRsv1OnADeflateConnectionFailsWith1002AndIsNotAnswered() throws Exception {
        PerMessageDeflate client = PerMessageDeflate.builder().build();
        Extension deflate = PerMessageDeflate.builder().build().negotiate(client.offers()).orElseThrow();
        List<String> events = new ArrayList<>();
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        WebSocketProtocol engine = new WebSocketProtocol(Role.SERVER, ProtocolConfig.defaults(), List.of(deflate),
                new ProtocolListener() {
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
                        events.add("close " + code);
                    }

                    @Override
                    public void onProtocolError(ProtocolException error) {
                        events.add("error " + error.closeCode() + " " + error.getMessage());
                    }
                },
                new ProtocolOutput() {
                    @Override
                    public void write(ByteBuffer bytes) {
                        byte[] b = new byte[bytes.remaining()];
                        bytes.get(b);
                        written.writeBytes(b);
                    }

                    @Override
                    public void closeTransport() {
                        events.add("close transport");
                    }
                });

        engine.receive(ByteBuffer.wrap(RawPeer.frame(0xC9, "x".getBytes(), true, 1, 0x11223344)));

        assertThat(events).containsExactly("error 1002 Reserved bits set on a control frame.", "close transport");
        byte[] out = written.toByteArray();
        // one close frame carrying 1002 (0x03EA), no pong
        assertThat(out[0] & 0xFF).isEqualTo(0x88);
        assertThat(((out[2] & 0xFF) << 8) | (out[3] & 0xFF)).isEqualTo(1002);
        assertThat(out).hasSize(2 + (out[1] & 0x7F));
    }
}
