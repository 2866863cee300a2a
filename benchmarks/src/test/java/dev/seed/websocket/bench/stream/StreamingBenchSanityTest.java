package dev.seed.websocket.bench.stream;

import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

/**
 * The streaming benchmark end to end on a small volume (32 MiB each way, its server JVM at
 * -Xmx64m): every byte sent comes back in both scenarios, or it throws. No benchmark runs in the build.
 */
class StreamingBenchSanityTest {

    @Test
    void bothScenariosEchoEveryByte() {
        assertThatCode(() -> StreamingBench.main(new String[] {"--rounds", "1", "--gib", "0.03125"}))
                .doesNotThrowAnyException();
    }
}
