package dev.seed.websocket.protocol.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WebSocketVersionTest {

    @Test
    void wireVersionsAndDrafts() {
        assertThat(WebSocketVersion.RFC_6455.wireVersion()).isEqualTo(13);
        assertThat(WebSocketVersion.HYBI_08.wireVersion()).isEqualTo(8);
        assertThat(WebSocketVersion.HYBI_07.wireVersion()).isEqualTo(7);
        assertThat(WebSocketVersion.HIXIE_76.wireVersion()).isEqualTo(-1);
        assertThat(WebSocketVersion.HIXIE_76.draftName()).isEqualTo("draft-hixie-thewebsocketprotocol-76");
        assertThat(WebSocketVersion.HYBI_07.draftName()).isEqualTo("draft-ietf-hybi-thewebsocketprotocol-07");
        assertThat(WebSocketVersion.RFC_6455.draftName()).isEqualTo("RFC 6455");
        assertThat(WebSocketVersion.HIXIE_76.hybiFraming()).isFalse();
        assertThat(WebSocketVersion.HYBI_07.hybiFraming()).isTrue();
    }

    @Test
    void looksUpHeaderValues() {
        assertThat(WebSocketVersion.fromHeader("13")).contains(WebSocketVersion.RFC_6455);
        assertThat(WebSocketVersion.fromHeader(" 8\t")).contains(WebSocketVersion.HYBI_08);
        assertThat(WebSocketVersion.fromHeader("7")).contains(WebSocketVersion.HYBI_07);
        assertThat(WebSocketVersion.fromHeader("013")).isEmpty();
        assertThat(WebSocketVersion.fromHeader("12")).isEmpty();
        assertThat(WebSocketVersion.fromHeader("13, 8")).isEmpty();
        assertThat(WebSocketVersion.fromHeader("")).isEmpty();
        assertThat(WebSocketVersion.fromHeader(null)).isEmpty();
    }
}
