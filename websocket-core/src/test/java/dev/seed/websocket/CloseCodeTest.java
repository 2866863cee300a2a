package dev.seed.websocket;

import static dev.seed.websocket.CloseCodes.*;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CloseCodeTest {

    @Test
    void constantsMatchRfc6455Section7_4_1() {
        assertThat(new int[] {WS_OK, WS_GONE, WS_PROTOCOL_ERROR, WS_NOT_ACCEPTABLE, WS_NO_STATUS,
                WS_CLOSED_ABNORMALLY, WS_BAD_MESSAGE, WS_FORBIDDEN, WS_MESSAGE_TOO_LARGE,
                WS_EXTENSIONS_NOT_AVAILABLE, WS_INTERNAL_SERVER_ERROR, WS_TLS_HANDSHAKE_FAIL})
                .containsExactly(1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1015);
    }

    @Test
    void enumLooksUpRegisteredCodesOnly() {
        assertThat(CloseCode.of(1000)).contains(CloseCode.NORMAL_CLOSURE);
        assertThat(CloseCode.of(1012)).contains(CloseCode.SERVICE_RESTART);
        assertThat(CloseCode.of(1014)).contains(CloseCode.BAD_GATEWAY);
        assertThat(CloseCode.of(1004)).isEmpty();
        assertThat(CloseCode.of(3000)).isEmpty();
        assertThat(CloseCode.of(999)).isEmpty();
        assertThat(CloseCode.of(-1)).isEmpty();
        for (CloseCode c : CloseCode.values()) {
            assertThat(CloseCode.of(c.code())).contains(c);
        }
    }

    @Test
    void wireValidityFollowsSection7_4_2() {
        for (int code = 0; code < 6000; code++) {
            boolean expected = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014)
                    || (code >= 3000 && code <= 4999);
            assertThat(CloseCodes.isValidOnWire(code)).as("code %d", code).isEqualTo(expected);
        }
        assertThat(CloseCode.NO_STATUS_RECEIVED.sendable()).isFalse();
        assertThat(CloseCode.ABNORMAL_CLOSURE.sendable()).isFalse();
        assertThat(CloseCode.TLS_HANDSHAKE.sendable()).isFalse();
        assertThat(CloseCode.GOING_AWAY.sendable()).isTrue();
    }
}
