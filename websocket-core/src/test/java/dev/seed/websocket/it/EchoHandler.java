package dev.seed.websocket.it;

import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import java.nio.ByteBuffer;

/** Echoes text and binary messages. */
public final class EchoHandler implements WebSocketHandler {
    @Override
    public void onText(WebSocketConnection c, String text) {
        c.sendText(text);
    }

    @Override
    public void onBinary(WebSocketConnection c, ByteBuffer data) {
        c.sendBinary(data);
    }
}
