package dev.seed.websocket.spring.autoconfigure;

import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.spring.WsHandler;
import java.nio.ByteBuffer;

/** Handler beans shared by the tests. */
final class Handlers {

    private Handlers() {
    }

    /** Echoes text and binary messages on /echo. */
    @WsHandler("/echo")
    static class Echo implements WebSocketHandler {
        @Override
        public void onText(WebSocketConnection c, String text) {
            c.sendText(text);
        }

        @Override
        public void onBinary(WebSocketConnection c, ByteBuffer data) {
            c.sendBinary(data);
        }
    }

    /** A second handler on /echo, to clash with {@link Echo}. */
    @WsHandler(path = "/echo")
    static class OtherEcho implements WebSocketHandler {
    }

    /** Answers with the room id of /rooms/{id}, speaks the "chat.v1" subprotocol. */
    @WsHandler(value = "/rooms/{id}", subprotocols = {"chat.v2", "chat.v1"})
    static class Rooms implements WebSocketHandler {
        @Override
        public void onText(WebSocketConnection c, String text) {
            c.sendText(c.pathVariable("id") + ":" + c.subprotocol() + ":" + text);
        }
    }

    /** Names the same template as {@link Rooms} with another variable name. */
    @WsHandler("/rooms/{name}")
    static class RoomsByName implements WebSocketHandler {
    }
}
