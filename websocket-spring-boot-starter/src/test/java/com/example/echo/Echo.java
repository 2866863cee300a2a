package com.example.echo;

import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketHandler;
import dev.seed.websocket.spring.WsHandler;

@WsHandler("/echo")                                   // dev.seed.websocket.spring.WsHandler
class Echo implements WebSocketHandler {              // dev.seed.websocket.WebSocketHandler
    public void onText(WebSocketConnection c, String text) { c.sendText(text); }
}
