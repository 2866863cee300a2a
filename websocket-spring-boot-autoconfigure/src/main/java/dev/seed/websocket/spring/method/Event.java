package dev.seed.websocket.spring.method;

/** The connection events a handler method can be bound to. */
enum Event {
    OPEN("@OnOpen"),
    TEXT("@OnText"),
    BINARY("@OnBinary"),
    PING("@OnPing"),
    PONG("@OnPong"),
    CLOSING("@OnClosing"),
    CLOSE("@OnClose"),
    ERROR("@OnError");

    private final String annotation;

    Event(String annotation) {
        this.annotation = annotation;
    }

    /** How the annotation is written, for messages. */
    String annotation() {
        return annotation;
    }

    /** Whether a value the method returns is sent to the peer. */
    boolean canReply() {
        return this == OPEN || this == TEXT || this == BINARY;
    }
}
