package dev.seed.websocket.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.sample.support.Browser;
import dev.seed.websocket.sample.support.RunningApp;
import dev.seed.websocket.sample.support.Tools;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The chat page in two headless Chromium sessions against the running application: they chat,
 * then the server goes away (1001 to every page) and comes back, and the pages reconnect on their
 * own and deliver what was sent in between. Screenshots land in target/screenshots/.
 */
class ChatPageBrowserTest {

    private static final Path SCREENSHOTS = Tools.moduleDir().resolve("target/screenshots");

    private static RunningApp app;
    private static Browser ada;
    private static Browser bob;

    @BeforeAll
    static void start() throws Exception {
        // a short reconnection delay cap keeps the wait after the restart short
        app = RunningApp.launch("--sample.client.reconnect-max-delay=2s");
        ada = Browser.start("ada");
        bob = Browser.start("bob");
    }

    @AfterAll
    static void stop() {
        try {
            if (ada != null) {
                ada.close();
            }
        } finally {
            try {
                if (bob != null) {
                    bob.close();
                }
            } finally {
                if (app != null) {
                    app.close();
                }
            }
        }
    }

    @BeforeEach
    void serverIsUp() {
        if (!app.isRunning()) {
            app.start();
        }
    }

    @AfterEach
    void leavePages() {
        // a blank page closes the connections, so that the next test starts from a fresh page
        ada.driver().get("about:blank");
        bob.driver().get("about:blank");
    }

    @Test
    void two_sessions_in_one_room_see_each_others_messages() throws Exception {
        ada.open(app.http("/"));
        bob.open(app.http("/"));
        ada.join("ada", "lobby");
        bob.join("bob", "lobby");
        ada.waitForNotice("bob joined");
        ada.waitForMembers("ada", "bob");
        bob.waitForMembers("ada", "bob");

        ada.send("Hello Bob, can you read me?");
        bob.waitForMessage("ada", "Hello Bob, can you read me?");
        ada.waitForMessage("ada", "Hello Bob, can you read me?");
        bob.send("Loud and clear \uD83D\uDC4B");
        ada.waitForMessage("bob", "Loud and clear \uD83D\uDC4B");
        bob.waitForMessage("bob", "Loud and clear \uD83D\uDC4B");

        assertThat(ada.state()).isEqualTo("open");
        assertThat(ada.driver().findElement(org.openqa.selenium.By.id("connection-info")).getText())
                .contains("chat.v1").contains("permessage-deflate");
        ada.screenshot(SCREENSHOTS.resolve("chat-ada.png"));
        bob.screenshot(SCREENSHOTS.resolve("chat-bob.png"));
    }

    @Test
    void the_pages_reconnect_after_the_server_goes_away_and_deliver_what_was_sent_meanwhile() throws Exception {
        ada.open(app.http("/#restart"));
        bob.open(app.http("/#restart"));
        ada.join("ada", "restart");
        bob.join("bob", "restart");
        ada.waitForMembers("ada", "bob");

        app.stop(); // the WebSocket server closes every connection with 1001 Going Away
        for (Browser b : new Browser[] {ada, bob}) {
            b.waitForNotice("The server is going away; reconnecting\u2026");
            b.waitForState("reconnecting");
        }
        assertThat(ada.statusText()).startsWith("Reconnecting");

        ada.send("Sent while the server was away");
        ada.waitUntil("the queued message", () -> ada.hasMessage("ada", "Sent while the server was away", true));
        assertThat(ada.driver().findElement(org.openqa.selenium.By.id("queue-badge")).getText()).isEqualTo("1 waiting");
        ada.screenshot(SCREENSHOTS.resolve("reconnecting-ada.png"));

        app.start(); // the same ports: the pages find it again on their own
        ada.waitForState("open");
        bob.waitForState("open");
        bob.waitForMessage("ada", "Sent while the server was away");
        ada.waitForMessage("ada", "Sent while the server was away");
        assertThat(ada.hasMessage("ada", "Sent while the server was away", true)).as("still pending").isFalse();
        ada.waitForNotice("Reconnected to #restart");
        ada.waitForMembers("ada", "bob");
        bob.waitForMembers("ada", "bob");

        bob.send("Welcome back");
        ada.waitForMessage("bob", "Welcome back");
        ada.screenshot(SCREENSHOTS.resolve("reconnected-ada.png"));
        bob.screenshot(SCREENSHOTS.resolve("reconnected-bob.png"));
    }
}
