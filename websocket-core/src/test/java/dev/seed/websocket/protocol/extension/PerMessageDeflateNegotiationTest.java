package dev.seed.websocket.protocol.extension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seed.websocket.CompressionMode;
import dev.seed.websocket.protocol.Role;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 7692 section 7.1: offers, responses and configuration of permessage-deflate. */
class PerMessageDeflateNegotiationTest {

    private static final String PMD = "permessage-deflate";

    private static ExtensionParameters element(String header) {
        List<ExtensionParameters> elements = ExtensionParameters.parseHeader(header);
        assertThat(elements).hasSize(1);
        return elements.get(0);
    }

    /** A configuration in FULL mode, whose answers are exactly what the client offered allows. */
    private static PerMessageDeflate config(UnaryOperator<PerMessageDeflate.Builder> c) {
        return c.apply(PerMessageDeflate.builder().mode(CompressionMode.FULL)).build();
    }

    // ---- server role ---------------------------------------------------------------------

    static Stream<Arguments> serverAnswersInFullMode() {
        return Stream.of(
                Arguments.of(PMD, PMD),
                Arguments.of(PMD + "; client_max_window_bits", PMD),
                Arguments.of(PMD + "; client_max_window_bits=10", PMD + "; client_max_window_bits=10"),
                Arguments.of(PMD + "; client_max_window_bits=\"8\"", PMD + "; client_max_window_bits=8"),
                Arguments.of(PMD + "; server_max_window_bits=10", PMD + "; server_max_window_bits=10"),
                Arguments.of(PMD + "; server_max_window_bits=15", PMD + "; server_max_window_bits=15"),
                Arguments.of(PMD + "; server_no_context_takeover", PMD + "; server_no_context_takeover"),
                Arguments.of(PMD + "; client_no_context_takeover", PMD + "; client_no_context_takeover"),
                Arguments.of(PMD + "; client_max_window_bits=8; server_max_window_bits=9; "
                                + "client_no_context_takeover; server_no_context_takeover",
                        PMD + "; server_no_context_takeover; client_no_context_takeover; "
                                + "server_max_window_bits=9; client_max_window_bits=8"));
    }

    /**
     * WINDOWED (the default: 14 bits ours, 12 asked of the client): RFC 7692 section 7.1.2.1 lets a server include
     * server_max_window_bits unasked, section 7.1.2.2 client_max_window_bits only when offered.
     * SHARED: server_no_context_takeover always (section 7.1.1.1), client_no_context_takeover
     * only when offered (a client may refuse a configuration it does not support, section 7), and
     * else the smallest client window when client_max_window_bits was offered.
     */
    static Stream<Arguments> serverAnswersInEachMode() {
        return Stream.of(
                Arguments.of(CompressionMode.WINDOWED, PMD, PMD + "; server_max_window_bits=14"),
                Arguments.of(CompressionMode.WINDOWED, PMD + "; client_max_window_bits",
                        PMD + "; server_max_window_bits=14; client_max_window_bits=12"),
                Arguments.of(CompressionMode.WINDOWED, PMD + "; client_max_window_bits=10",
                        PMD + "; server_max_window_bits=14; client_max_window_bits=10"),
                Arguments.of(CompressionMode.WINDOWED, PMD + "; server_max_window_bits=9; client_max_window_bits=15",
                        PMD + "; server_max_window_bits=9; client_max_window_bits=12"),
                Arguments.of(CompressionMode.WINDOWED, PMD + "; server_no_context_takeover; client_max_window_bits",
                        PMD + "; server_no_context_takeover; server_max_window_bits=14; client_max_window_bits=12"),
                Arguments.of(CompressionMode.SHARED, PMD, PMD + "; server_no_context_takeover"),
                Arguments.of(CompressionMode.SHARED, PMD + "; client_max_window_bits",
                        PMD + "; server_no_context_takeover; client_max_window_bits=9"),
                Arguments.of(CompressionMode.SHARED, PMD + "; server_max_window_bits=10",
                        PMD + "; server_no_context_takeover; server_max_window_bits=10"),
                Arguments.of(CompressionMode.SHARED, PMD + "; client_no_context_takeover",
                        PMD + "; server_no_context_takeover; client_no_context_takeover"));
    }

    @ParameterizedTest
    @MethodSource
    void serverAnswersInEachMode(CompressionMode mode, String offer, String response) {
        PerMessageDeflateExtension ext = (PerMessageDeflateExtension) PerMessageDeflate.builder().mode(mode).build()
                .negotiate(List.of(element(offer))).orElseThrow();
        assertThat(ext.parameters()).hasToString(response);
    }

    @Test
    void windowedModeUsesItsWindowWhereTheAgreementAllowsMore() {
        PerMessageDeflateExtension ext = (PerMessageDeflateExtension) PerMessageDeflate.builder().windowBits(10)
                .peerWindowBits(10).build().negotiate(List.of(element(PMD + "; client_max_window_bits"))).orElseThrow();
        assertThat(ext.parameters()).hasToString(PMD + "; server_max_window_bits=10; client_max_window_bits=10");
        assertThat(ext.localMaxWindowBits()).isEqualTo(10);
        assertThat(ext.remoteMaxWindowBits()).isEqualTo(10);
        assertThat(ext.retainedBytes()).as("nothing allocated at the handshake").isZero();
    }

    @ParameterizedTest
    @MethodSource
    void serverAnswersInFullMode(String offer, String response) {
        Optional<Extension> ext = config(b -> b).negotiate(List.of(element(offer)));
        assertThat(ext).isPresent();
        assertThat(ext.get().parameters()).hasToString(response);
        assertThat(ext.get().name()).isEqualTo(PMD);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        PMD + "; server_max_window_bits",
        PMD + "; server_max_window_bits=0",
        PMD + "; server_max_window_bits=7",
        PMD + "; server_max_window_bits=16",
        PMD + "; server_max_window_bits=abc",
        PMD + "; server_max_window_bits=08",
        PMD + "; server_max_window_bits=010",
        PMD + "; server_max_window_bits=-9",
        PMD + "; client_max_window_bits=0",
        PMD + "; client_max_window_bits=7",
        PMD + "; client_max_window_bits=16",
        PMD + "; client_max_window_bits=abc",
        PMD + "; client_max_window_bits=09",
        PMD + "; server_no_context_takeover=1",
        PMD + "; client_no_context_takeover=\"x\"",
        PMD + "; foo",
        PMD + "; server_max_window=10",
        "x-webkit-deflate-frame",
    })
    void serverDeclinesInvalidOffer(String offer) {
        assertThat(PerMessageDeflate.builder().build().negotiate(List.of(element(offer)))).isEmpty();
    }

    @Test
    void serverDeclinesOfferWithDuplicateParameter() {
        // The header parser refuses duplicates; an element built by hand can still carry them
        // under different spellings.
        Map<String, String> params = new LinkedHashMap<>();
        params.put("server_no_context_takeover", null);
        params.put("SERVER_NO_CONTEXT_TAKEOVER", null);
        assertThat(PerMessageDeflate.builder().build()
                .negotiate(List.of(new ExtensionParameters(PMD, params)))).isEmpty();
        assertThatThrownBy(() -> ExtensionParameters.parseHeader(
                PMD + "; server_max_window_bits=10; server_max_window_bits=10"))
                .hasMessageStartingWith("Duplicate parameter 'server_max_window_bits' at position 47");
    }

    @Test
    void serverAcceptsFirstAcceptableOfferInOrder() {
        List<ExtensionParameters> offers = ExtensionParameters.parseHeader(
                PMD + "; foo, " + PMD + "; server_max_window_bits=16, "
                        + PMD + "; client_no_context_takeover, " + PMD);
        assertThat(config(b -> b).negotiate(offers).orElseThrow().parameters())
                .hasToString(PMD + "; client_no_context_takeover");
        assertThat(PerMessageDeflate.builder().build().negotiate(List.of())).isEmpty();
    }

    static Stream<Arguments> serverAppliesItsPreferences() {
        return Stream.of(
                Arguments.of(config(b -> b.serverNoContextTakeover(true)), PMD,
                        PMD + "; server_no_context_takeover"),
                Arguments.of(config(b -> b.clientNoContextTakeover(true)), PMD,
                        PMD + "; client_no_context_takeover"),
                Arguments.of(config(b -> b.serverMaxWindowBits(10)), PMD,
                        PMD + "; server_max_window_bits=10"),
                Arguments.of(config(b -> b.serverMaxWindowBits(10)), PMD + "; server_max_window_bits=12",
                        PMD + "; server_max_window_bits=10"),
                Arguments.of(config(b -> b.serverMaxWindowBits(10)), PMD + "; server_max_window_bits=9",
                        PMD + "; server_max_window_bits=9"),
                // client_max_window_bits only when the client offered it
                Arguments.of(config(b -> b.clientMaxWindowBits(10)), PMD, PMD),
                Arguments.of(config(b -> b.clientMaxWindowBits(10)), PMD + "; client_max_window_bits",
                        PMD + "; client_max_window_bits=10"),
                Arguments.of(config(b -> b.clientMaxWindowBits(10)), PMD + "; client_max_window_bits=12",
                        PMD + "; client_max_window_bits=10"),
                Arguments.of(config(b -> b.clientMaxWindowBits(10)), PMD + "; client_max_window_bits=9",
                        PMD + "; client_max_window_bits=9"),
                Arguments.of(config(b -> b.clientMaxWindowBits(15)), PMD + "; client_max_window_bits",
                        PMD),
                Arguments.of(config(b -> b.noClientMaxWindowBits()), PMD + "; client_max_window_bits",
                        PMD),
                Arguments.of(config(b -> b.serverNoContextTakeover(true).clientNoContextTakeover(true)
                                .serverMaxWindowBits(12).clientMaxWindowBits(11)),
                        PMD + "; client_max_window_bits",
                        PMD + "; server_no_context_takeover; client_no_context_takeover; "
                                + "server_max_window_bits=12; client_max_window_bits=11"));
    }

    @ParameterizedTest
    @MethodSource
    void serverAppliesItsPreferences(PerMessageDeflate server, String offer, String response) {
        assertThat(server.negotiate(List.of(element(offer))).orElseThrow().parameters())
                .hasToString(response);
    }

    @Test
    void serverExtensionKnowsWhoResetsAndWhichWindows() {
        PerMessageDeflateExtension ext = (PerMessageDeflateExtension) config(
                b -> b.clientMaxWindowBits(10)).negotiate(List.of(element(
                        PMD + "; client_no_context_takeover; server_max_window_bits=9; "
                                + "client_max_window_bits"))).orElseThrow();
        assertThat(ext.role()).isEqualTo(Role.SERVER);
        assertThat(ext.localNoContextTakeover()).isFalse();
        assertThat(ext.remoteNoContextTakeover()).isTrue();
        assertThat(ext.localMaxWindowBits()).isEqualTo(9);
        assertThat(ext.remoteMaxWindowBits()).isEqualTo(10);
        assertThat(ext.sharedCompressedWindowBits()).isEqualTo(9);
    }

    // ---- client role ---------------------------------------------------------------------

    @Test
    void clientOffersConfiguredParameters() {
        assertThat(PerMessageDeflate.builder().build().offers())
                .containsExactly(element(PMD + "; client_max_window_bits"));
        assertThat(config(b -> b.noClientMaxWindowBits()).offers()).containsExactly(element(PMD));
        assertThat(config(b -> b.serverNoContextTakeover(true).clientNoContextTakeover(true)
                .serverMaxWindowBits(10).clientMaxWindowBits(9)).offers())
                .containsExactly(element(PMD + "; server_no_context_takeover; "
                        + "client_no_context_takeover; server_max_window_bits=10; "
                        + "client_max_window_bits=9"));
        assertThat(config(b -> b.clientMaxWindowBits(12).addFallbackOffer(element(PMD))).offers())
                .containsExactly(element(PMD + "; client_max_window_bits=12"), element(PMD));
    }

    /** Client accepts: response, then local NCT, remote NCT, local window, remote window. */
    static Stream<Arguments> clientAcceptsValidResponse() {
        PerMessageDeflate defaults = config(b -> b);
        PerMessageDeflate windowed = PerMessageDeflate.builder().build();
        return Stream.of(
                // WINDOWED (the default): our compressor uses at most its 14 bits whatever is agreed
                Arguments.of(windowed, PMD, false, false, 14, 15),
                Arguments.of(windowed, PMD + "; client_max_window_bits=10", false, false, 10, 15),
                Arguments.of(windowed, PMD + "; server_max_window_bits=9", false, false, 14, 9),
                Arguments.of(defaults, PMD, false, false, 15, 15),
                Arguments.of(defaults, PMD + "; client_max_window_bits=10", false, false, 10, 15),
                // a server may limit its window unasked (section 7.1.2.1)
                Arguments.of(defaults, PMD + "; server_max_window_bits=10", false, false, 15, 10),
                Arguments.of(defaults, PMD + "; server_no_context_takeover", false, true, 15, 15),
                Arguments.of(defaults, PMD + "; client_no_context_takeover", true, false, 15, 15),
                Arguments.of(config(b -> b.clientMaxWindowBits(10)), PMD, false, false, 10, 15),
                Arguments.of(config(b -> b.clientMaxWindowBits(10)),
                        PMD + "; client_max_window_bits=9", false, false, 9, 15),
                Arguments.of(config(b -> b.serverMaxWindowBits(10)),
                        PMD + "; server_max_window_bits=10", false, false, 15, 10),
                Arguments.of(config(b -> b.serverMaxWindowBits(10)),
                        PMD + "; server_max_window_bits=8", false, false, 15, 8),
                Arguments.of(config(b -> b.serverNoContextTakeover(true)),
                        PMD + "; server_no_context_takeover", false, true, 15, 15),
                // an offered client_no_context_takeover binds us even if not echoed
                Arguments.of(config(b -> b.clientNoContextTakeover(true)), PMD, true, false, 15, 15),
                Arguments.of(defaults, "PerMessage-Deflate; Server_No_Context_Takeover", false, true,
                        15, 15));
    }

    @ParameterizedTest
    @MethodSource
    void clientAcceptsValidResponse(PerMessageDeflate client, String response,
            boolean localNoContextTakeover, boolean remoteNoContextTakeover, int localWindow,
            int remoteWindow) throws ExtensionNegotiationException {
        PerMessageDeflateExtension ext = client.accept(element(response));
        assertThat(ext.role()).isEqualTo(Role.CLIENT);
        assertThat(ext.parameters()).isEqualTo(element(response));
        assertThat(ext.localNoContextTakeover()).isEqualTo(localNoContextTakeover);
        assertThat(ext.remoteNoContextTakeover()).isEqualTo(remoteNoContextTakeover);
        assertThat(ext.localMaxWindowBits()).isEqualTo(localWindow);
        assertThat(ext.remoteMaxWindowBits()).isEqualTo(remoteWindow);
        assertThat(ext.sharedCompressedWindowBits()).isEqualTo(localWindow);
    }

    static Stream<Arguments> clientRefusesInvalidResponse() {
        PerMessageDeflate defaults = PerMessageDeflate.builder().build();
        return Stream.of(
                Arguments.of(defaults, "x-webkit-deflate-frame",
                        "Unexpected extension 'x-webkit-deflate-frame' in the response."),
                Arguments.of(defaults, PMD + "; foo", "Unknown permessage-deflate parameter 'foo'."),
                Arguments.of(defaults, PMD + "; server_max_window_bits=16",
                        "Invalid value '16' for parameter 'server_max_window_bits': expected 8 to 15."),
                Arguments.of(defaults, PMD + "; server_max_window_bits=7",
                        "Invalid value '7' for parameter 'server_max_window_bits': expected 8 to 15."),
                Arguments.of(defaults, PMD + "; server_max_window_bits=0",
                        "Invalid value '0' for parameter 'server_max_window_bits': expected 8 to 15."),
                Arguments.of(defaults, PMD + "; client_max_window_bits=abc",
                        "Invalid value 'abc' for parameter 'client_max_window_bits': expected 8 to 15."),
                Arguments.of(defaults, PMD + "; server_max_window_bits",
                        "Parameter 'server_max_window_bits' must have a value."),
                Arguments.of(defaults, PMD + "; client_max_window_bits",
                        "Parameter 'client_max_window_bits' must have a value in a response."),
                Arguments.of(defaults, PMD + "; server_no_context_takeover=1",
                        "Parameter 'server_no_context_takeover' must have no value."),
                Arguments.of(defaults, PMD + "; client_no_context_takeover=1",
                        "Parameter 'client_no_context_takeover' must have no value."),
                Arguments.of(config(b -> b.noClientMaxWindowBits()), PMD + "; client_max_window_bits=10",
                        "Parameter 'client_max_window_bits' in the response was not offered."),
                Arguments.of(config(b -> b.clientMaxWindowBits(10)), PMD + "; client_max_window_bits=11",
                        "Parameter 'client_max_window_bits' in the response is larger than offered."),
                Arguments.of(config(b -> b.serverMaxWindowBits(10)), PMD,
                        "Parameter 'server_max_window_bits' was offered but is missing in the response."),
                Arguments.of(config(b -> b.serverMaxWindowBits(10)), PMD + "; server_max_window_bits=11",
                        "Parameter 'server_max_window_bits' in the response is larger than offered."),
                Arguments.of(config(b -> b.serverNoContextTakeover(true)), PMD,
                        "Parameter 'server_no_context_takeover' was offered but is missing in the "
                                + "response."));
    }

    @ParameterizedTest
    @MethodSource
    void clientRefusesInvalidResponse(PerMessageDeflate client, String response, String message) {
        assertThatThrownBy(() -> client.accept(element(response)))
                .isInstanceOf(ExtensionNegotiationException.class)
                .hasMessage(message);
    }

    @Test
    void clientRefusesDuplicateParameter() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("client_max_window_bits", "10");
        params.put("Client_Max_Window_Bits", "10");
        assertThatThrownBy(() -> PerMessageDeflate.builder().build()
                .accept(new ExtensionParameters(PMD, params)))
                .isInstanceOf(ExtensionNegotiationException.class)
                .hasMessage("Duplicate parameter 'client_max_window_bits'.");
    }

    @Test
    void clientMatchesResponseAgainstEachOfferInOrder() throws ExtensionNegotiationException {
        PerMessageDeflate client = PerMessageDeflate.fromConfig(ExtensionParameters.parseHeader(
                PMD + "; server_max_window_bits=10; client_max_window_bits, " + PMD), 0, CompressionMode.FULL, 14, 12);
        // Fits the first offer only (the second did not offer client_max_window_bits).
        PerMessageDeflateExtension first = client.accept(element(
                PMD + "; server_max_window_bits=10; client_max_window_bits=9"));
        assertThat(first.localMaxWindowBits()).isEqualTo(9);
        assertThat(first.remoteMaxWindowBits()).isEqualTo(10);
        // Fits the second offer only (the first needs server_max_window_bits <= 10).
        PerMessageDeflateExtension second = client.accept(element(PMD + "; server_max_window_bits=12"));
        assertThat(second.remoteMaxWindowBits()).isEqualTo(12);
        assertThat(client.accept(element(PMD)).localMaxWindowBits()).isEqualTo(15);
        // Fits none: the message explains the first offer's objection.
        assertThatThrownBy(() -> client.accept(element(PMD + "; server_max_window_bits=12; "
                + "client_max_window_bits=9")))
                .isInstanceOf(ExtensionNegotiationException.class)
                .hasMessage("Parameter 'server_max_window_bits' in the response is larger than offered.");
    }

    // ---- both roles together -------------------------------------------------------------

    static Stream<Arguments> everyClientAcceptsEveryServersAnswer() {
        List<PerMessageDeflate> configs = List.of(
                PerMessageDeflate.builder().build(),
                PerMessageDeflate.builder().mode(CompressionMode.SHARED).build(),
                PerMessageDeflate.builder().windowBits(9).clientMaxWindowBits(10).build(),
                config(b -> b),
                config(b -> b.noClientMaxWindowBits()),
                config(b -> b.serverNoContextTakeover(true)),
                config(b -> b.clientNoContextTakeover(true)),
                config(b -> b.serverMaxWindowBits(9)),
                config(b -> b.clientMaxWindowBits(11)),
                config(b -> b.serverNoContextTakeover(true).clientNoContextTakeover(true)
                        .serverMaxWindowBits(12).clientMaxWindowBits(8)));
        return configs.stream().flatMap(c -> configs.stream().map(s -> Arguments.of(c, s)));
    }

    @ParameterizedTest
    @MethodSource
    void everyClientAcceptsEveryServersAnswer(PerMessageDeflate clientConfig,
            PerMessageDeflate serverConfig) throws ExtensionNegotiationException {
        PerMessageDeflateExtension server = (PerMessageDeflateExtension) serverConfig
                .negotiate(clientConfig.offers()).orElseThrow();
        PerMessageDeflateExtension client = clientConfig.accept(server.parameters());
        // A compressor may use less window than agreed (WINDOWED does), never more; a
        // decompressor must take what was agreed.
        assertThat(client.localMaxWindowBits()).isLessThanOrEqualTo(server.remoteMaxWindowBits());
        assertThat(server.localMaxWindowBits()).isLessThanOrEqualTo(client.remoteMaxWindowBits());
        assertThat(client.remoteMaxWindowBits()).isEqualTo(
                Integer.parseInt(server.parameters().parameters().getOrDefault("server_max_window_bits", "15")));
        assertThat(client.remoteNoContextTakeover()).isEqualTo(server.localNoContextTakeover());
        // The server may only rely on what it announced; the client may reset more often.
        if (server.remoteNoContextTakeover()) {
            assertThat(client.localNoContextTakeover()).isTrue();
        }
    }

    // ---- configuration -------------------------------------------------------------------

    @Test
    void builderDefaults() {
        PerMessageDeflate d = PerMessageDeflate.builder().build();
        assertThat(d.name()).isEqualTo(PMD);
        assertThat(d.serverNoContextTakeover()).isFalse();
        assertThat(d.clientNoContextTakeover()).isFalse();
        assertThat(d.serverMaxWindowBits()).isEmpty();
        assertThat(d.clientMaxWindowBits()).isEmpty();
        assertThat(d.offersClientMaxWindowBits()).isTrue();
        assertThat(d.compressionThreshold()).isEqualTo(1024);
        assertThat(d.compressionLevel()).isEqualTo(6);
        assertThat(d.mode()).isEqualTo(CompressionMode.WINDOWED);
        assertThat(d.windowBits()).isEqualTo(14);
        assertThat(d.peerWindowBits()).isEqualTo(12);
        assertThat(d).hasToString("PerMessageDeflate[permessage-deflate; client_max_window_bits, "
                + "compressionThreshold=1024, compressionLevel=6, mode=WINDOWED, windowBits=14, peerWindowBits=12]");
    }

    @Test
    void toBuilderKeepsEverything() {
        PerMessageDeflate d = config(b -> b.serverNoContextTakeover(true).serverMaxWindowBits(10)
                .clientMaxWindowBits(9).compressionThreshold(10).compressionLevel(9)
                .addFallbackOffer(element(PMD)));
        PerMessageDeflate copy = d.toBuilder().build();
        assertThat(copy.offers()).isEqualTo(d.offers());
        assertThat(copy.compressionThreshold()).isEqualTo(10);
        assertThat(copy.compressionLevel()).isEqualTo(9);
        PerMessageDeflate changed = d.toBuilder().noServerMaxWindowBits().clientMaxWindowBitsWithoutValue()
                .build();
        assertThat(changed.offers()).containsExactly(
                element(PMD + "; server_no_context_takeover; client_max_window_bits"), element(PMD));
        assertThat(d.serverMaxWindowBits()).isEqualTo(OptionalInt.of(10));
    }

    @Test
    void builderRefusesBadValues() {
        assertThatThrownBy(() -> PerMessageDeflate.builder().serverMaxWindowBits(7))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Window bits must be 8 to 15: 7.");
        assertThatThrownBy(() -> PerMessageDeflate.builder().clientMaxWindowBits(16))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Window bits must be 8 to 15: 16.");
        assertThatThrownBy(() -> PerMessageDeflate.builder().compressionLevel(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Compression level must be 1 to 9: 0.");
        assertThatThrownBy(() -> PerMessageDeflate.builder().compressionLevel(10))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Compression level must be 1 to 9: 10.");
        assertThatThrownBy(() -> PerMessageDeflate.builder().compressionThreshold(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Compression threshold must not be negative.");
        assertThatThrownBy(() -> PerMessageDeflate.builder().addFallbackOffer(element("x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Not a permessage-deflate element: 'x'.");
    }

    @Test
    void fromConfigReadsHeaderSyntax() {
        PerMessageDeflate a = PerMessageDeflate.fromConfig(element(PMD + "; client_max_window_bits"), 1024);
        assertThat(a.offers()).containsExactly(element(PMD + "; client_max_window_bits"));
        assertThat(a.offersClientMaxWindowBits()).isTrue();
        assertThat(a.clientMaxWindowBits()).isEmpty();
        PerMessageDeflate b = PerMessageDeflate.fromConfig(
                element(PMD + "; server_no_context_takeover; server_max_window_bits=10"), 100);
        assertThat(b.serverNoContextTakeover()).isTrue();
        assertThat(b.clientNoContextTakeover()).isFalse();
        assertThat(b.serverMaxWindowBits()).isEqualTo(OptionalInt.of(10));
        assertThat(b.offersClientMaxWindowBits()).isFalse();
        assertThat(b.compressionThreshold()).isEqualTo(100);
        PerMessageDeflate c = PerMessageDeflate.fromConfig(
                element(PMD + "; client_no_context_takeover; client_max_window_bits=9"), 0);
        assertThat(c.clientNoContextTakeover()).isTrue();
        assertThat(c.clientMaxWindowBits()).isEqualTo(OptionalInt.of(9));
    }

    static Stream<Arguments> fromConfigRefusesBadElement() {
        return Stream.of(
                Arguments.of(PMD + "; server_max_window_bits=16",
                        "Invalid value '16' for parameter 'server_max_window_bits': expected 8 to 15."),
                Arguments.of(PMD + "; client_max_window_bits=x",
                        "Invalid value 'x' for parameter 'client_max_window_bits': expected 8 to 15."),
                Arguments.of(PMD + "; server_max_window_bits",
                        "Parameter 'server_max_window_bits' must have a value."),
                Arguments.of(PMD + "; server_no_context_takeover=true",
                        "Parameter 'server_no_context_takeover' must have no value."),
                Arguments.of(PMD + "; level=9", "Unknown permessage-deflate parameter 'level'."),
                Arguments.of("deflate-frame", "Not a permessage-deflate element: 'deflate-frame'."));
    }

    @ParameterizedTest
    @MethodSource
    void fromConfigRefusesBadElement(String element, String message) {
        assertThatThrownBy(() -> PerMessageDeflate.fromConfig(element(element), 1024))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void extensionsFromConfigMergesDeflateElementsInOrder() {
        List<ExtensionFactory> factories = Extensions.fromConfig(List.of(
                PMD + "; client_max_window_bits=10, " + PMD,
                PMD + "; server_no_context_takeover"), 100);
        assertThat(factories).hasSize(1);
        PerMessageDeflate pmd = (PerMessageDeflate) factories.get(0);
        assertThat(pmd.offers()).containsExactly(element(PMD + "; client_max_window_bits=10"),
                element(PMD), element(PMD + "; server_no_context_takeover"));
        assertThat(pmd.compressionThreshold()).isEqualTo(100);
        assertThat(Extensions.fromConfig(List.of(), 100)).isEmpty();
    }

    @Test
    void extensionsFromConfigRefusesUnknownOrBadElements() {
        assertThatThrownBy(() -> Extensions.fromConfig(List.of(PMD, "x-foo; a=1"), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown extension 'x-foo': the supported extension is permessage-deflate.");
        assertThatThrownBy(() -> Extensions.fromConfig(List.of(PMD + ";"), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Expected a parameter name at position 19 in \"permessage-deflate;\".");
        assertThatThrownBy(() -> Extensions.fromConfig(List.of(PMD + "; server_max_window_bits=7"), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid value '7' for parameter 'server_max_window_bits': expected 8 to 15.");
        assertThatThrownBy(() -> Extensions.fromConfig(List.of(PMD), -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Compression threshold must not be negative.");
    }
}
