package dev.seed.websocket.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.sample.support.Browser;
import dev.seed.websocket.sample.support.RunningApp;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The client library as a page meets it, in headless Chromium against the running application: a
 * page imports {@code /js/websocket-client.js} (the file the npm package ships), listens the
 * WebSocket way ({@code onopen}, {@code addEventListener}), echoes non-ASCII text through
 * {@code /echo}, and comes back by itself after the server drops the connection (the server's
 * idle timeout closes it with 1001).
 */
class ClientLibraryBrowserTest {

    /** The sample's server answers Chromium's permessage-deflate offer (RFC 7692 section 7.1.2). */
    private static final String AGREED = "permessage-deflate; server_max_window_bits=14; client_max_window_bits=12";

    private static final String TEXT = "gr\u00fc\u00df dich \uD83D\uDC4B \u65E5\u672C\u8A9E \u2014 \u00E9t\u00E9";

    private static RunningApp app;
    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        // a short idle timeout is the server dropping a quiet connection; no keepalive ping comes before it
        app = RunningApp.launch("--websocket.server.idle-timeout=1500ms", "--websocket.server.ping-interval=0s");
        browser = Browser.start("client-library");
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (app != null) {
                app.close();
            }
        }
    }

    @Test
    void a_page_echoes_non_ascii_text_and_reconnects_after_the_server_drops_it() {
        browser.driver().get(app.http("/test/client-library.html").toString());
        browser.waitUntil("the page to import the library",
                () -> "ready".equals(browser.driver().findElement(By.id("status")).getText()));

        browser.driver().executeScript("""
                const { WebSocketClient, State } = window.library;
                const log = window.log = [];
                const client = window.client = new WebSocketClient(arguments[0], {
                    reconnect: { initialDelay: 100, maxDelay: 500, jitter: 0 },
                });
                client.onopen = (event) => log.push(['open', event.reconnected, event.extensions]);
                client.addEventListener('message', (event) => log.push(['message', event.data, event.isText]));
                client.addEventListener('close', (event) => log.push(['close', event.code, event.reason, event.willReconnect]));
                client.addEventListener('reconnecting', (event) => log.push(['reconnecting', event.attempt]));
                client.addEventListener('state', (event) => log.push(['state', event.state]));
                client.send(arguments[1]); // queued until the connection opens
                """, app.ws("/echo").toString(), TEXT);

        awaitLog("the echo of the queued text", List.of("message", TEXT, true));
        // the default compression mode (WINDOWED): Chromium takes the windows it is given
        assertThat(log()).startsWith(List.of("state", "open"), List.of("open", false, AGREED));

        // the server's idle timeout closes the quiet connection (1001): the client comes back by itself
        awaitLog("the server's close", List.of("close", 1001L, "Idle timeout.", true));
        awaitLog("the reconnection", List.of("open", true, AGREED));
        assertThat(log()).contains(List.of("reconnecting", 1L), List.of("state", "reconnecting"));

        browser.driver().executeScript("window.client.send(arguments[0] + ' again')", TEXT);
        awaitLog("the echo on the new connection", List.of("message", TEXT + " again", true));
        Object state = browser.driver().executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                window.client.close(1000, 'done').then((event) => done([event.code, window.client.state]));
                """);
        assertThat(state).isEqualTo(List.of(1000L, "closed"));
    }

    /** The page's log: one list per event, as WebDriver returns it (numbers as Long). */
    @SuppressWarnings("unchecked")
    private List<Object> log() {
        return (List<Object>) browser.driver().executeScript("return window.log");
    }

    private void awaitLog(String what, List<?> entry) {
        browser.waitUntil(what + " " + entry + " in the page's log", () -> log().contains(entry));
    }
}
