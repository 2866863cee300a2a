package dev.seed.websocket.conformance;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * A group of conformance cases, each run against our server (the wire peer as client) and against
 * our client (the wire peer as server). One server and one client serve the whole group, as a
 * conformance fuzzer's target would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConformanceGroupTest {

    private EndpointUnderTest.Server server;
    private EndpointUnderTest.Client client;

    /** The group's cases. */
    abstract List<ConformanceCase> cases();

    @BeforeAll
    void startEndpoints() throws Exception {
        server = new EndpointUnderTest.Server();
        client = new EndpointUnderTest.Client();
    }

    @AfterAll
    void stopEndpoints() throws Exception {
        if (server != null) {
            server.close();
        }
        if (client != null) {
            client.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> againstOurServer() {
        return cases().stream().map(cc -> DynamicTest.dynamicTest(cc.displayName(), () -> CaseRunner.run(cc, server)));
    }

    @TestFactory
    Stream<DynamicTest> againstOurClient() {
        return cases().stream().map(cc -> DynamicTest.dynamicTest(cc.displayName(), () -> CaseRunner.run(cc, client)));
    }
}
