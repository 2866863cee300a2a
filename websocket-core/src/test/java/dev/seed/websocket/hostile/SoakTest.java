package dev.seed.websocket.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The short soak of the test command: 1,000 connections exchanging a message every 100 ms each
 * for 20 s (about 200,000 messages each way), with nothing lost, duplicated or reordered, the
 * file descriptors back to the baseline and the heap flat; then the same over TLS with fewer
 * connections, while TLS 1.2 and 1.3 peers keep closing in every order. {@code bin/soak} runs the
 * long one.
 */
class SoakTest {

    @Test
    void aThousandConnectionsFor20SecondsLoseNothingAndLeakNothing() throws Exception {
        Soak.Report report = Soak.run(new Soak.Settings(1000, Duration.ofSeconds(20), Duration.ofMillis(100)));
        System.out.println(report);
        assertThat(report.sent()).isGreaterThan(150_000);
        assertThat(report.received()).isEqualTo(report.sent());
        assertThat(report.lost()).isZero();
        assertThat(report.duplicated()).isZero();
        assertThat(report.reordered()).isZero();
        assertThat(report.failedSends()).isZero();
        assertThat(report.fdsAfter()).as("open descriptors after").isLessThanOrEqualTo(report.fdsBefore());
        assertThat(report.heapLast() - report.heapFirst()).as("heap growth after GC, first sample to last")
                .isLessThanOrEqualTo(Soak.Report.allowedHeapGrowth(report.heapFirst()));
        assertThat(report.passed()).as(report.toString()).isTrue();
    }

    @Test
    void tlsConnectionsFor10SecondsWhilePeersCloseInEveryOrder() throws Exception {
        Soak.Report report = Soak.run(new Soak.Settings(200, Duration.ofSeconds(10), Duration.ofMillis(100), true));
        System.out.println(report);
        assertThat(report.sent()).isGreaterThan(15_000);
        assertThat(report.tlsClosers()).as("TLS closers").isGreaterThan(50);
        assertThat(report.tlsClosersNotEnded()).as("TLS closers the server did not end").isZero();
        assertThat(report.passed()).as(report.toString()).isTrue();
    }
}
