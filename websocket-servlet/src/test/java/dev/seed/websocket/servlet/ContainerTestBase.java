package dev.seed.websocket.servlet;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.WebSocketServer;
import org.junit.jupiter.api.AfterEach;

/** What a test of our server on a container starts, and stops after each test: client, container, then server. */
abstract class ContainerTestBase {

    WebSocketServer server;
    Container container;
    WebSocketClient client;

    @AfterEach
    void stopAll() throws Exception {
        if (client != null) {
            client.close();
        }
        if (container != null) {
            container.close();
        }
        if (server != null) {
            server.stop();
        }
    }
}
