package dev.seed.websocket.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.sample.support.JsonPeer;
import dev.seed.websocket.sample.support.RunningApp;
import dev.seed.websocket.sample.support.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.aot.AotDetector;
import tools.jackson.databind.JsonNode;

/**
 * The application started in AOT mode (what a native image runs): the build processed its context
 * ahead of time (spring-boot-maven-plugin's process-aot, bound to process-classes), and with
 * {@code spring.aot.enabled=true} it starts from the generated initializer instead of evaluating
 * its configuration. Its routes still serve, and the generated native-image metadata names what
 * the WebSocket starter reaches by reflection.
 */
class AotModeTest {

    @Test
    void theApplicationStartsFromItsAheadOfTimeProcessedContextAndServes() throws Exception {
        Path initializer = Tools.moduleDir().resolve(
                "target/classes/dev/seed/websocket/sample/SampleApplication__ApplicationContextInitializer.class");
        assertThat(initializer).as("process-aot output (mvn process-classes makes it)").exists();
        System.setProperty(AotDetector.AOT_ENABLED, "true");
        try (RunningApp app = RunningApp.launch(); WebSocketClient client = WebSocketClient.create()) {
            assertThat(AotDetector.useGeneratedArtifacts()).isTrue();
            try (JsonPeer echo = JsonPeer.connect(client, app, "/echo")) {
                echo.sendText("aot \u00e9");
                assertThat(echo.nextRaw()).isEqualTo("aot \u00e9");
            }
            try (JsonPeer ada = JsonPeer.connect(client, app, "/chat/aot", "chat.v1")) {
                ada.send(Map.of("type", "join", "name", "ada"));
                JsonNode welcome = ada.next();
                assertThat(welcome.path("type").asString()).isEqualTo("welcome");
                assertThat(welcome.path("room").asString()).isEqualTo("aot");
            }
        } finally {
            System.clearProperty(AotDetector.AOT_ENABLED);
        }
        Path metadata = Tools.moduleDir().resolve(
                "target/spring-aot/main/resources/META-INF/native-image/dev.seed.websocket/sample-app/reachability-metadata.json");
        assertThat(Files.readString(metadata)).contains("dev.seed.websocket.spring.autoconfigure.WebSocketProperties");
    }
}
