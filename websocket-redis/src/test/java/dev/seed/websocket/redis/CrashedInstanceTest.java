package dev.seed.websocket.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketClient;
import dev.seed.websocket.cluster.HistoryPolicy;
import dev.seed.websocket.cluster.PresenceEvent;
import dev.seed.websocket.cluster.PresenceMember;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An instance in a JVM of its own, on the same Redis as this one, killed with SIGKILL: its
 * presence members leave (with leave events on the surviving instance) within the presence time
 * to live, and delivery between the survivors goes on.
 */
class CrashedInstanceTest {

    private static final Duration TTL = Duration.ofSeconds(3);

    private RedisServer redis;
    private Instance survivor;
    private Process other;
    private final WebSocketClient client = WebSocketClient.create();

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
        survivor = new Instance(redis, "survivor", HistoryPolicy.none(), TTL).start();
    }

    @AfterEach
    void stop() throws Exception {
        if (other != null) {
            other.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        client.close();
        survivor.close();
        redis.close();
    }

    private int startOtherJvm() throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        other = new ProcessBuilder(java, "-Xmx128m", "-cp", classpath, InstanceMain.class.getName(),
                Integer.toString(redis.port()), "doomed", Long.toString(TTL.toMillis()))
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String line;
        while ((line = out.readLine()) != null && System.nanoTime() < deadline) {
            if (line.startsWith("port ")) {
                int port = Integer.parseInt(line.substring(5).trim());
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // keep the pipe flowing
                        }
                    } catch (java.io.IOException e) {
                        // the process ended
                    }
                }, "other-jvm-output");
                drain.setDaemon(true);
                drain.start();
                return port;
            }
        }
        throw new AssertionError("the other JVM did not start; last line: " + line);
    }

    @Test
    void theMembersOfAKilledInstanceLeaveWithinThePresenceTtl() throws Exception {
        int port = startOtherJvm();
        Peer here = Peer.connect(client, survivor.url("topic=room:1&name=here"));
        Peer there1 = Peer.connect(client, "ws://127.0.0.1:" + port + "/t?topic=room:1&name=there1");
        Peer there2 = Peer.connect(client, "ws://127.0.0.1:" + port + "/t?topic=room:2&name=there2");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (survivor.presence.size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(survivor.server.presence("room:1").get(5, TimeUnit.SECONDS)).extracting(PresenceMember::info)
                .containsExactlyInAnyOrder("here", "there1");
        // the other JVM's messages reach this one's subscribers
        there1.connection.sendText("from there");
        assertThat(here.next()).isEqualTo("from there");

        long killedAt = System.nanoTime();
        other.destroyForcibly();
        assertThat(other.waitFor(10, TimeUnit.SECONDS)).isTrue();
        deadline = killedAt + TTL.toNanos() + TimeUnit.MILLISECONDS.toNanos(2500);
        while (survivor.presence.stream().filter(e -> e.kind() == PresenceEvent.Kind.LEAVE).count() < 2
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        double tookSeconds = (System.nanoTime() - killedAt) / 1e9;
        List<String> leaves = survivor.presence.stream().filter(e -> e.kind() == PresenceEvent.Kind.LEAVE)
                .map(e -> e.topic() + " " + e.member().info() + " " + e.member().instance()).toList();
        assertThat(leaves).as("left within %.1f s of the kill", tookSeconds)
                .containsExactlyInAnyOrder("room:1 there1 doomed", "room:2 there2 doomed");
        assertThat(survivor.server.presence("room:1").get(5, TimeUnit.SECONDS)).extracting(PresenceMember::info)
                .containsExactly("here");
        assertThat(survivor.server.presence("room:2").get(5, TimeUnit.SECONDS)).isEmpty();
        assertThat(there2).isNotNull();
    }
}
