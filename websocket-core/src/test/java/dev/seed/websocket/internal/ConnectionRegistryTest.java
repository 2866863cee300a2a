package dev.seed.websocket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seed.websocket.WebSocketHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ConnectionRegistryTest {

    private static List<WsConnection> connections(int n) {
        // the registry reads only the connection's slot: settings the constructor does not read stay empty
        EndpointConfig config = new EndpointConfig(null, List.of(), Duration.ZERO, Duration.ZERO, Duration.ZERO,
                Duration.ZERO, Duration.ZERO, true, 0, null, 0, null, false, 1, null, null, 0, null, List.of(),
                List.of(), null, Duration.ZERO);
        ConnectionSetup setup = ConnectionSetup.client(config, new WebSocketHandler() { }, null);
        List<WsConnection> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new WsConnection(null, setup, null, null, null, Duration.ZERO));
        }
        return list;
    }

    @Test
    void holdsEachConnectionOnceAndReusesFreedSlots() {
        ConnectionRegistry registry = new ConnectionRegistry();
        List<WsConnection> all = connections(100);
        for (WsConnection c : all) {
            assertThat(registry.add(c)).isTrue();
        }
        assertThat(registry.add(all.get(3))).isFalse();
        assertThat(registry).hasSize(100).containsExactlyInAnyOrderElementsOf(all);
        for (int i = 0; i < 100; i += 2) {
            assertThat(registry.remove(all.get(i))).isTrue();
        }
        assertThat(registry.remove(all.get(0))).isFalse();
        assertThat(registry.contains(all.get(0))).isFalse();
        assertThat(registry.contains(all.get(1))).isTrue();
        assertThat(registry).hasSize(50);
        int highest = 0;
        for (int i = 0; i < 100; i += 2) {
            registry.add(all.get(i));
            highest = Math.max(highest, all.get(i).registrySlot);
        }
        assertThat(highest).as("freed slots are taken again before new ones").isLessThan(100);
        assertThat(registry).hasSize(100).containsExactlyInAnyOrderElementsOf(all);
        all.forEach(registry::remove);
        assertThat(registry).isEmpty();
    }

    @Test
    void aSpikeLeavesNoLargeArrayBehind() {
        ConnectionRegistry registry = new ConnectionRegistry();
        List<WsConnection> all = connections(4_000);
        all.forEach(registry::add);
        assertThat(registry.capacity()).isGreaterThanOrEqualTo(4_000);
        List<WsConnection> stay = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (i % 40 == 7) {
                stay.add(all.get(i));
            } else {
                registry.remove(all.get(i));
            }
        }
        assertThat(registry.capacity()).isLessThanOrEqualTo(256);
        assertThat(registry).hasSize(100).containsExactlyInAnyOrderElementsOf(stay);
        for (WsConnection c : stay) {
            assertThat(registry.contains(c)).isTrue();
        }
        List<WsConnection> more = connections(50);
        more.forEach(registry::add);
        assertThat(registry).hasSize(150);
        stay.forEach(registry::remove);
        more.forEach(registry::remove);
        assertThat(registry).isEmpty();
        assertThat(registry.capacity()).isLessThanOrEqualTo(32);
    }

    @Test
    void anIterationSeesEveryConnectionThatStaysWhileOthersComeAndGoOnOtherThreads() throws Exception {
        ConnectionRegistry registry = new ConnectionRegistry();
        List<WsConnection> stay = connections(500);
        stay.forEach(registry::add);
        Set<WsConnection> staying = new HashSet<>(stay);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(2);
        List<Thread> churners = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            List<WsConnection> mine = connections(2_000);
            Thread churn = new Thread(() -> {
                try {
                    for (int round = 0; round < 200 && !stop.get(); round++) {
                        mine.forEach(registry::add);
                        mine.forEach(registry::remove);
                    }
                } catch (Throwable e) {
                    failure.set(e);
                } finally {
                    done.countDown();
                }
            });
            churners.add(churn);
            churn.start();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int iterations = 0;
        while (done.getCount() > 0 && System.nanoTime() < deadline) {
            List<WsConnection> seen = new ArrayList<>();
            registry.forEach(seen::add);
            // those that stay, once each; one that left and came back meanwhile may be seen in both slots
            assertThat(seen.stream().filter(staying::contains)).hasSize(stay.size());
            assertThat(new HashSet<>(seen)).containsAll(stay);
            iterations++;
        }
        stop.set(true);
        for (Thread t : churners) {
            t.join(10_000);
        }
        assertThat(failure.get()).isNull();
        assertThat(iterations).isPositive();
        assertThat(registry).hasSize(500).containsExactlyInAnyOrderElementsOf(stay);
    }
}
