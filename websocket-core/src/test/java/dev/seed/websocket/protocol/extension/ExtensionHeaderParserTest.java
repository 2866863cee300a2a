package dev.seed.websocket.protocol.extension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.AbstractMap.SimpleEntry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 6455 section 9.1 grammar, with RFC 7230 lists, OWS and quoted-string. */
class ExtensionHeaderParserTest {

    static Stream<Arguments> validHeaders() {
        return Stream.of(
                Arguments.of("permessage-deflate", "permessage-deflate"),
                Arguments.of("permessage-deflate; client_max_window_bits",
                        "permessage-deflate; client_max_window_bits"),
                Arguments.of("permessage-deflate;client_max_window_bits=10;server_no_context_takeover",
                        "permessage-deflate; client_max_window_bits=10; server_no_context_takeover"),
                // OWS around every separator, spaces and tabs
                Arguments.of(" \tpermessage-deflate \t; \tserver_max_window_bits \t= \t10 \t, x ",
                        "permessage-deflate; server_max_window_bits=10, x"),
                // names are case-insensitive; values keep their case
                Arguments.of("PerMessage-Deflate; Server_Max_Window_Bits=AbC",
                        "permessage-deflate; server_max_window_bits=AbC"),
                // quoted values that are tokens once unquoted
                Arguments.of("permessage-deflate; server_max_window_bits=\"10\"",
                        "permessage-deflate; server_max_window_bits=10"),
                Arguments.of("x; a=\"\\b\\c\"", "x; a=bc"),
                Arguments.of("x; a=\"!#$%&'*+-.^_`|~\"", "x; a=!#$%&'*+-.^_`|~"),
                // RFC 7230 section 7: empty list elements are skipped
                Arguments.of("a,,b", "a, b"),
                Arguments.of(", , a , ,", "a"),
                Arguments.of("a;p , b;q=1, a", "a; p, b; q=1, a"));
    }

    @ParameterizedTest
    @MethodSource("validHeaders")
    void parsesValidHeader(String header, String normalised) {
        List<ExtensionParameters> elements = ExtensionParameters.parseHeader(header);
        assertThat(ExtensionParameters.toHeader(elements)).isEqualTo(normalised);
        // Round trip: the formatted header parses to the same elements.
        assertThat(ExtensionParameters.parseHeader(normalised)).isEqualTo(elements);
    }

    @Test
    void keepsParameterOrderAndValuelessParameters() {
        ExtensionParameters e = ExtensionParameters.parseHeader("x; b=2; a; c=\"3\"").get(0);
        assertThat(e.name()).isEqualTo("x");
        assertThat(e.parameters()).containsExactly(Map.entry("b", "2"),
                new SimpleEntry<>("a", null), Map.entry("c", "3"));
        assertThat(e.has("a")).isTrue();
        assertThat(e.get("a")).isNull();
        assertThat(e.has("d")).isFalse();
    }

    @Test
    void severalElementsOfOneExtensionStayInOrder() {
        assertThat(ExtensionParameters.parseHeader(
                "permessage-deflate; client_max_window_bits=10, permessage-deflate"))
                .containsExactly(
                        new ExtensionParameters("permessage-deflate",
                                Map.of("client_max_window_bits", "10")),
                        ExtensionParameters.of("permessage-deflate"));
    }

    static Stream<Arguments> invalidHeaders() {
        return Stream.of(
                Arguments.of("", "Empty extension list."),
                Arguments.of(" , ,", "Empty extension list."),
                Arguments.of("; a", "Expected an extension name at position 0 in \"; a\"."),
                Arguments.of("a, =b", "Expected an extension name at position 3 in \"a, =b\"."),
                Arguments.of("a;", "Expected a parameter name at position 2 in \"a;\"."),
                Arguments.of("a; ;b", "Expected a parameter name at position 3 in \"a; ;b\"."),
                Arguments.of("a; =1", "Expected a parameter name at position 3 in \"a; =1\"."),
                Arguments.of("a; p=", "Expected a parameter value at position 5 in \"a; p=\"."),
                Arguments.of("a; p= ;q", "Expected a parameter value at position 6 in \"a; p= ;q\"."),
                Arguments.of("a b", "Expected ',' or ';' at position 2 in \"a b\"."),
                Arguments.of("a; p=1 2", "Expected ',' or ';' at position 7 in \"a; p=1 2\"."),
                Arguments.of("a; p=\"1\"2", "Expected ',' or ';' at position 8 in \"a; p=\"1\"2\"."),
                Arguments.of("a/b", "Expected ',' or ';' at position 1 in \"a/b\"."),
                Arguments.of("a; p=1/2", "Expected ',' or ';' at position 6 in \"a; p=1/2\"."),
                Arguments.of("a; p=\"10", "Unterminated quoted string at position 5 in \"a; p=\"10\"."),
                Arguments.of("a; p=\"10\\\"", "Unterminated quoted string at position 5 in \"a; p=\"10\\\"\"."),
                Arguments.of("a; p=\"1 0\"", "Quoted value is not a token at position 5 in \"a; p=\"1 0\"\"."),
                Arguments.of("a; p=\"\"", "Quoted value is not a token at position 5 in \"a; p=\"\"\"."),
                Arguments.of("a; p=\"a\\\"b\"", "Quoted value is not a token at position 5 in \"a; p=\"a\\\"b\"\"."),
                Arguments.of("a; p=\"1\u00010\"", "Invalid character in quoted string at position 7 in \"a; p=\"1?0\"\"."),
                Arguments.of("a; p=\"1\\\u00010\"", "Invalid character in quoted string at position 8 in \"a; p=\"1\\?0\"\"."),
                Arguments.of("a; p; P", "Duplicate parameter 'p' at position 6 in \"a; p; P\"."),
                Arguments.of("a; p=1; p=1", "Duplicate parameter 'p' at position 8 in \"a; p=1; p=1\"."),
                Arguments.of("a\u00e9", "Expected ',' or ';' at position 1 in \"a?\"."));
    }

    @ParameterizedTest
    @MethodSource("invalidHeaders")
    void refusesInvalidHeader(String header, String message) {
        assertThatThrownBy(() -> ExtensionParameters.parseHeader(header))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void errorMessageQuotesAtMostFortyCharactersAroundThePosition() {
        String header = "a; " + "p".repeat(100) + "=" + "v".repeat(100) + " !";
        assertThatThrownBy(() -> ExtensionParameters.parseHeader(header))
                .hasMessage("Expected ',' or ';' at position 205 in \"..."
                        + "v".repeat(19) + " !\".");
        String longName = "x; " + "p".repeat(100) + "; " + "p".repeat(100);
        assertThatThrownBy(() -> ExtensionParameters.parseHeader(longName))
                .hasMessage("Duplicate parameter '" + "p".repeat(40) + "...' at position 105 in \"..."
                        + "p".repeat(18) + "; " + "p".repeat(20) + "...\".");
    }

    @Test
    void quotesOnlyWhenNeeded() {
        assertThat(ExtensionHeaderParser.quoteIfNeeded("10")).isEqualTo("10");
        assertThat(ExtensionHeaderParser.quoteIfNeeded("a.b~c")).isEqualTo("a.b~c");
        assertThat(ExtensionHeaderParser.quoteIfNeeded("")).isEqualTo("\"\"");
        assertThat(ExtensionHeaderParser.quoteIfNeeded("a b")).isEqualTo("\"a b\"");
        assertThat(ExtensionHeaderParser.quoteIfNeeded("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
        assertThat(ExtensionHeaderParser.quoteIfNeeded("a,b;c=d")).isEqualTo("\"a,b;c=d\"");
        assertThatThrownBy(() -> ExtensionHeaderParser.quoteIfNeeded("a\r\nb"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Character at index 1 cannot be sent in a quoted string.");
    }

    @Test
    void toStringQuotesValuesThatAreNotTokens() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("a", "x y");
        params.put("b", null);
        params.put("c", "q\"");
        ExtensionParameters e = new ExtensionParameters("ext", params);
        assertThat(e).hasToString("ext; a=\"x y\"; b; c=\"q\\\"\"");
        // RFC 6455 section 9.1 wants token values even when quoted, so a receiver refuses it.
        assertThatThrownBy(() -> ExtensionParameters.parseHeader(e.toString()))
                .hasMessageStartingWith("Quoted value is not a token at position 7 in ");
    }
}
