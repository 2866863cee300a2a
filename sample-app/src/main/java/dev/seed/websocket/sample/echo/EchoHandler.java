package dev.seed.websocket.sample.echo;

import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.spring.WsHandler;
import java.nio.ByteBuffer;

/**
 * Sends every message back as it came, text as text and binary as binary: the route that
 * conformance fuzzers, load generators and the client library's tests aim at.
 */
@WsHandler("/echo")
public class EchoHandler implements WebSocketHandler {

    @Override
    public void onText(WebSocketConnection c, String text) {
        c.sendText(text);
    }

    @Override
    public void onBinary(WebSocketConnection c, ByteBuffer data) {
        // the buffer is only valid during this call: the copy is what the send may keep
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data).flip();
        c.sendBinary(copy);
    }
}
