package dev.seed.websocket.spring.method;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.seed.websocket.CloseCause;
import dev.seed.websocket.HandshakeRequest;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.spring.OnBinary;
import dev.seed.websocket.spring.OnClose;
import dev.seed.websocket.spring.OnError;
import dev.seed.websocket.spring.OnMessage;
import dev.seed.websocket.spring.OnOpen;
import dev.seed.websocket.spring.OnText;
import dev.seed.websocket.spring.PathVariable;
import java.nio.ByteBuffer;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Handler method signatures are checked when the handler is made, with messages naming the method. */
class AnnotatedWebSocketHandlerTests {

    @Test
    void detectsHandlerMethods() {
        assertThat(AnnotatedWebSocketHandler.hasHandlerMethods(Full.class)).isTrue();
        assertThat(AnnotatedWebSocketHandler.hasHandlerMethods(Object.class)).isFalse();
    }

    @Test
    void acceptsEveryDocumentedParameter() {
        assertThat(AnnotatedWebSocketHandler.of(new Full(), "/rooms/{room}/{seq}")).isNotNull();
    }

    @Test
    void pathVariablesOfARoute() {
        assertThat(AnnotatedWebSocketHandler.pathVariables("/a/{x}/b/{y}")).containsExactly("x", "y");
        assertThat(AnnotatedWebSocketHandler.pathVariables("/plain")).isEqualTo(Set.of());
    }

    @Test
    void unresolvableParameterNamesTheMethod() {
        assertThatIllegalStateException().isThrownBy(() -> AnnotatedWebSocketHandler.of(new BadParameter(), "/x"))
                .withMessageContaining("Parameter 1 (Integer)")
                .withMessageContaining("BadParameter.text()")
                .withMessageContaining("@OnText methods take one String (the message, or a part with a boolean last)"
                        + " or Reader");
    }

    @Test
    void partsAndStreamsAreTakenFromTheSignature() {
        AnnotatedWebSocketHandler h = AnnotatedWebSocketHandler.of(new StreamingSignatures(), "/x");
        assertThat(h.receivesParts()).isTrue();
        assertThat(AnnotatedWebSocketHandler.of(new WholeSignature(), "/x").receivesParts()).isFalse();
    }

    @Test
    void aStreamWithALastFlagOrAPartThatRepliesIsRefusedAtStart() {
        assertThatIllegalStateException().isThrownBy(() -> AnnotatedWebSocketHandler.of(new StreamAndFlag(), "/x"))
                .withMessageContaining("StreamAndFlag.in()").withMessageContaining("not both");
        assertThatIllegalStateException().isThrownBy(() -> AnnotatedWebSocketHandler.of(new PartReplies(), "/x"))
                .withMessageContaining("PartReplies.part() returns String")
                .withMessageContaining("that take parts return void");
    }

    static class StreamingSignatures {
        @dev.seed.websocket.spring.OnMessage
        void in(java.io.InputStream in) {
        }

        @dev.seed.websocket.spring.OnText
        void part(String part, boolean last) {
        }
    }

    static class WholeSignature {
        @dev.seed.websocket.spring.OnMessage
        void in(byte[] message) {
        }
    }

    static class StreamAndFlag {
        @dev.seed.websocket.spring.OnMessage
        void in(java.io.Reader in, boolean last) {
        }
    }

    static class PartReplies {
        @dev.seed.websocket.spring.OnText
        String part(String part, boolean last) {
            return part;
        }
    }

    @Test
    void unknownPathVariableNamesTheRoute() {
        assertThatIllegalStateException().isThrownBy(() -> AnnotatedWebSocketHandler.of(new UnknownVariable(), "/r/{id}"))
                .withMessageContaining("@PathVariable \"room\"").withMessageContaining("not a variable of route /r/{id}");
    }

    @Test
    void unconvertiblePathVariableFails() {
        assertThatIllegalStateException()
                .isThrownBy(() -> AnnotatedWebSocketHandler.of(new Unconvertible(), "/r/{id}"))
                .withMessageContaining("has type Runnable, which a String cannot be converted to");
    }

    @Test
    void twoMethodsForOneEventFail() {
        assertThatIllegalStateException().isThrownBy(() -> AnnotatedWebSocketHandler.of(new TwoText(), "/x"))
                .withMessageContaining("Two @OnText methods");
    }

    @Test
    void onMessageTextAndOnTextClash() {
        assertThatIllegalStateException().isThrownBy(() -> AnnotatedWebSocketHandler.of(new MessageAndText(), "/x"))
                .withMessageContaining("Two @OnText methods");
    }

    @Test
    void onMessageNeedsAMessageParameter() {
        assertThatIllegalStateException().isThrownBy(() -> AnnotatedWebSocketHandler.of(new NoMessage(), "/x"))
                .withMessageContaining("has no message parameter");
    }

    @Test
    void closeMethodMustReturnVoid() {
        assertThatIllegalStateException().isThrownBy(() -> AnnotatedWebSocketHandler.of(new ReturningClose(), "/x"))
                .withMessageContaining("returns String; @OnClose methods return void.");
    }

    @Test
    void unsupportedReturnTypeFails() {
        assertThatIllegalStateException().isThrownBy(() -> AnnotatedWebSocketHandler.of(new ReturningInt(), "/x"))
                .withMessageContaining("returns int; @OnText methods return void, or String, byte[] or ByteBuffer");
    }

    @Test
    void twoAnnotationsOnOneMethodFail() {
        assertThatIllegalStateException().isThrownBy(() -> AnnotatedWebSocketHandler.of(new TwoAnnotations(), "/x"))
                .withMessageContaining("has both @OnText and @OnBinary");
    }

    @Test
    void emptyHandlerFails() {
        assertThatIllegalStateException().isThrownBy(() -> AnnotatedWebSocketHandler.of(new Object(), "/x"))
                .withMessageContaining("has no @OnOpen, @OnText");
    }

    static class Full {
        @OnOpen
        String open(WebSocketConnection c, HandshakeRequest r, @PathVariable String room, @PathVariable("seq") int seq) {
            return "hi";
        }

        @OnText
        void text(String message, WebSocketConnection c) {
        }

        @OnBinary
        ByteBuffer binary(ByteBuffer data, @PathVariable long seq) {
            return data;
        }

        @OnClose
        void close(int code, String reason, CloseCause cause, WebSocketConnection c, @PathVariable String room) {
        }

        @OnError
        void error(IllegalStateException e, WebSocketConnection c) {
        }
    }

    static class BadParameter {
        @OnText
        void text(String s, Integer n) {
        }
    }

    static class UnknownVariable {
        @OnText
        void text(String s, @PathVariable("room") String room) {
        }
    }

    static class Unconvertible {
        @OnText
        void text(@PathVariable("id") Runnable id) {
        }
    }

    static class TwoText {
        @OnText
        void a(String s) {
        }

        @OnText
        void b(String s) {
        }
    }

    static class MessageAndText {
        @OnMessage
        void a(String s) {
        }

        @OnText
        void b(String s) {
        }
    }

    static class NoMessage {
        @OnMessage
        void a(WebSocketConnection c) {
        }
    }

    static class ReturningClose {
        @OnClose
        String close(int code) {
            return "x";
        }
    }

    static class ReturningInt {
        @OnText
        int text(String s) {
            return 1;
        }
    }

    static class TwoAnnotations {
        @OnText
        @OnBinary
        void both(String s) {
        }
    }
}
