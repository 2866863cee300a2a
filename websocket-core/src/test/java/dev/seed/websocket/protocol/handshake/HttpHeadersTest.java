package dev.seed.websocket.protocol.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpHeadersTest {

    @Test
    void namesAreCaseInsensitiveAndKeepTheirCase() {
        HttpHeaders h = new HttpHeaders().add("Content-Type", "text/plain").add("X-A", "1");
        assertThat(h.get("content-type")).isEqualTo("text/plain");
        assertThat(h.get("CONTENT-TYPE")).isEqualTo("text/plain");
        assertThat(h.contains("x-a")).isTrue();
        assertThat(h.contains("x-b")).isFalse();
        assertThat(h.get("x-b")).isNull();
        assertThat(h.names()).containsExactly("Content-Type", "X-A");
    }

    @Test
    void repeatedFieldsKeepTheirOrder() {
        HttpHeaders h = new HttpHeaders().add("A", "1").add("B", "2").add("a", "3");
        assertThat(h.get("A")).isEqualTo("1");
        assertThat(h.getAll("A")).containsExactly("1", "3");
        assertThat(h.size()).isEqualTo(3);
        assertThat(h.names()).containsExactly("A", "B");
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        h.forEach(fields::add);
        assertThat(fields).containsExactly(entry("A", "1"), entry("B", "2"), entry("a", "3"));
        assertThat(h).hasToString("[A: 1, B: 2, a: 3]");
    }

    @Test
    void setReplacesEveryFieldAtTheFirstPlace() {
        HttpHeaders h = new HttpHeaders().add("A", "1").add("B", "2").add("a", "3").set("A", "4");
        assertThat(h).hasToString("[A: 4, B: 2]");
        h.set("C", "5");
        assertThat(h).hasToString("[A: 4, B: 2, C: 5]");
        assertThat(h.remove("b")).isTrue();
        assertThat(h.remove("b")).isFalse();
        assertThat(h).hasToString("[A: 4, C: 5]");
    }

    @Test
    void tokensSplitListsAcrossRepeatedFields() {
        // RFC 7230 section 7: empty list elements are accepted and skipped.
        HttpHeaders h = new HttpHeaders().add("X", "a, b").add("Y", "z").add("x", " ,c,, d ,\t");
        assertThat(h.tokens("X")).containsExactly("a", "b", "c", "d");
        assertThat(h.tokens("missing")).isEmpty();
    }

    @Test
    void quotedStringsWithCommasStayWhole() {
        HttpHeaders h = new HttpHeaders()
                .add("Sec-WebSocket-Extensions", "x; p=\"a,b\", y; q=\"c\\\",d\", z");
        assertThat(h.tokens("sec-websocket-extensions"))
                .containsExactly("x; p=\"a,b\"", "y; q=\"c\\\",d\"", "z");
    }

    @Test
    void containsTokenIgnoresAsciiCase() {
        HttpHeaders h = new HttpHeaders().add("connection", "keep-alive, Upgrade").add("Upgrade", "WebSocket");
        assertThat(h.containsToken("Connection", "upgrade")).isTrue();
        assertThat(h.containsToken("Connection", "close")).isFalse();
        assertThat(h.containsToken("upgrade", "websocket")).isTrue();
        assertThat(new HttpHeaders().add("Connection", "upgraded").containsToken("Connection", "upgrade")).isFalse();
    }

    @Test
    void refusesValuesThatWouldSplitTheMessage() {
        HttpHeaders h = new HttpHeaders();
        assertThatThrownBy(() -> h.add("Set-Cookie", "a=1\r\nX-Evil: 1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Header value contains a control character.");
        assertThatThrownBy(() -> h.add("X", "a\nb")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> h.set("X", "a\rb")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> h.add("X", "a\u0000b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> h.add("X", "\u20ac"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Header value is not ISO-8859-1.");
        assertThatThrownBy(() -> h.add("X Y", "1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Invalid header name.");
        assertThatThrownBy(() -> h.add("X:", "1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> h.add("", "1")).isInstanceOf(IllegalArgumentException.class);
        assertThat(h.isEmpty()).isTrue();
        h.add("X", "tab\there caf\u00e9");
        assertThat(h.get("x")).isEqualTo("tab\there caf\u00e9");
    }

    @Test
    void readOnlyCopyRefusesChanges() {
        HttpHeaders h = new HttpHeaders().add("A", "1");
        HttpHeaders copy = h.readOnlyCopy();
        h.add("B", "2");
        assertThat(copy.size()).isEqualTo(1);
        assertThat(copy.isReadOnly()).isTrue();
        assertThatThrownBy(() -> copy.add("C", "3")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> copy.set("A", "3")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> copy.remove("A")).isInstanceOf(UnsupportedOperationException.class);
        HttpHeaders writable = new HttpHeaders(copy).add("D", "4");
        assertThat(writable).hasToString("[A: 1, D: 4]");
        assertThat(new HttpHeaders(writable)).isEqualTo(writable);
    }
}
