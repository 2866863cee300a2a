package dev.seed.websocket.sample;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.redis.RedisServer;
import dev.seed.websocket.sample.support.JsonPeer;
import dev.seed.websocket.sample.support.Browser;
import dev.seed.websocket.sample.support.RunningApp;
import dev.seed.websocket.sample.support.Tools;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chat page in two headless Chromium sessions, each on its own instance of the sample, the
 * two instances sharing one real Redis: the pages see each other in the member list, the history
 * written on the other instance, each other's messages, and a leave; and a page whose instance
 * goes away gets, on its own, what was said meanwhile on the other one. Screenshots land in
 * target/screenshots/.
 */
class ClusterChatBrowserTest {

    private static final Path SCREENSHOTS = Tools.moduleDir().resolve("target/screenshots");

    private static RedisServer redis;
    private static RunningApp a;
    private static RunningApp b;
    private static Browser ada;
    private static Browser bob;

    private static String[] cluster(String instance) {
        return new String[] {"--websocket.cluster.type=redis", "--spring.data.redis.host=127.0.0.1",
                "--spring.data.redis.port=" + redis.port(), "--websocket.cluster.instance-id=" + instance};
    }

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        a = RunningApp.launch(cluster("a"));
        b = RunningApp.launch(cluster("b"));
        ada = Browser.start("ada");
        bob = Browser.start("bob");
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {ada, bob, a, b, redis}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void pagesOnTwoInstancesChatAsInOneRoom() throws Exception {
        ada.open(a.http("/#cluster"));
        ada.join("ada", "cluster");
        ada.send("Said on instance a before bob came");
        ada.waitForMessage("ada", "Said on instance a before bob came");

        bob.open(b.http("/#cluster"));
        bob.join("bob", "cluster");
        bob.waitForMessage("ada", "Said on instance a before bob came"); // the shared history
        ada.waitForNotice("bob joined");
        ada.waitForMembers("ada", "bob");
        bob.waitForMembers("ada", "bob");

        bob.send("Hello from instance b");
        ada.waitForMessage("bob", "Hello from instance b");
        ada.send("Hello from instance a");
        bob.waitForMessage("ada", "Hello from instance a");
        ada.screenshot(SCREENSHOTS.resolve("cluster-ada-on-a.png"));
        bob.screenshot(SCREENSHOTS.resolve("cluster-bob-on-b.png"));

        bob.close(); // the browser goes, and its connection with it
        bob = null;
        ada.waitForNotice("bob left");
        ada.waitForMembers("ada");
    }

    @Test
    void aPageWhoseInstanceWentAwayGetsWhatWasSaidMeanwhileByItself() throws Exception {
        // an instance whose welcome carries no history: what the page missed can come only
        // through the client library's recovery (ws-since) and the subscription's
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(cluster("c")),
                java.util.stream.Stream.of("--sample.chat.history-size=0", "--sample.client.reconnect-max-delay=1s"))
                .toArray(String[]::new);
        RunningApp c = RunningApp.launch(args);
        Browser cid = Browser.start("cid");
        try (WebSocketClient client = WebSocketClient.builder().build();
                JsonPeer bob = JsonPeer.connect(client, b, "/chat/away", "chat.v1")) {
            bob.send(Map.of("type", "join", "name", "bob"));
            bob.next("welcome");
            cid.open(c.http("/#away"));
            cid.join("cid", "away");
            bob.send(Map.of("type", "message", "text", "before"));
            cid.waitForMessage("bob", "before");

            c.stop(); // 1001 to the page, which tries again with backoff
            cid.waitForState("reconnecting");
            for (int i = 1; i <= 3; i++) {
                bob.send(Map.of("type", "message", "text", "meanwhile " + i));
            }
            c.start(); // the same ports and Redis: the page comes back on its own
            cid.waitForState("open");
            for (int i = 1; i <= 3; i++) {
                cid.waitForMessage("bob", "meanwhile " + i);
            }
            cid.screenshot(SCREENSHOTS.resolve("cluster-recovered-cid.png"));
        } finally {
            cid.close();
            c.close();
        }
    }
}
