package dev.seed.websocket.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Start-up failures a user meets, each with a message that says what to change. */
class StartupFailureIntegrationTests {

    @Test
    void portInUseNamesThePortAndTheProperty() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Throwable failure = catchThrowable(() -> TestApp.start("websocket.server.port=" + port));
            assertThat(failure).isNotNull();
            assertThat(messages(failure)).contains("WebSocket server cannot listen on port " + port
                    + " (websocket.server.port): the port is already in use");
        }
    }

    @Test
    void badExtensionNamesTheKey() {
        Throwable failure = catchThrowable(() -> TestApp.start("websocket.server.extensions=x-webkit-deflate-frame"));
        assertThat(messages(failure)).contains(
                "Property websocket.server.extensions[0] with value 'x-webkit-deflate-frame' is invalid",
                "Unknown extension 'x-webkit-deflate-frame'");
    }

    private static String messages(Throwable failure) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            sb.append(t.getMessage()).append('\n');
        }
        return sb.toString();
    }
}
