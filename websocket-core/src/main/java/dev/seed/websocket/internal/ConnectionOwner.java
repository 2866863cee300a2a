package dev.seed.websocket.internal;

import dev.seed.websocket.SubscribeOptions;
import dev.seed.websocket.SubscribeResult;
import dev.seed.websocket.WebSocketConnection;
import java.util.concurrent.CompletableFuture;

/**
 * Who a connection reports to: the server that accepted it (and keeps its topics and users) or
 * the client that opened it. Thread safe.
 */
interface ConnectionOwner {

    /** The connection ended; called once, on its loop. */
    void connectionFinished(WsConnection c);

    /** Subscribes one of this owner's connections to a topic; false when it is not open. */
    boolean subscribe(WebSocketConnection c, String topic);

    /** Subscribes one of this owner's connections to a topic with options; see {@link SubscribeOptions}. */
    CompletableFuture<SubscribeResult> subscribe(WebSocketConnection c, String topic, SubscribeOptions options);

    /** Unsubscribes one of this owner's connections from a topic. */
    void unsubscribe(WebSocketConnection c, String topic);
}
