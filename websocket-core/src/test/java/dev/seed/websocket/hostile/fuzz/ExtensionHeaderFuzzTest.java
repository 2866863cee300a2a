package dev.seed.websocket.hostile.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.seed.websocket.protocol.extension.Extension;
import dev.seed.websocket.protocol.extension.ExtensionNegotiationException;
import dev.seed.websocket.protocol.extension.ExtensionParameters;
import dev.seed.websocket.protocol.extension.PerMessageDeflate;
import dev.seed.websocket.protocol.extension.PerMessageDeflateExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Arbitrary text as a {@code Sec-WebSocket-Extensions} value (RFC 6455 section 9.1), through the
 * header parser and permessage-deflate negotiation (RFC 7692 section 7) on both sides. Whatever
 * the text:
 * <ul>
 *   <li>the parser either returns elements or throws IllegalArgumentException with a message that
 *       quotes at most a short excerpt of the input;</li>
 *   <li>what it returns formats back to a header that parses to the same elements;</li>
 *   <li>a server either declines or accepts with a response that parses back and that a client
 *       offering the same accepts; a client given the elements as a response accepts or refuses
 *       with ExtensionNegotiationException, nothing else.</li>
 * </ul>
 *
 * <p>Input layout: the bytes are the header value, read as ISO-8859-1 like every header field.
 */
class ExtensionHeaderFuzzTest {

    /** The parser quotes at most 40 characters of the input, plus its own words. */
    private static final int MAX_ERROR_MESSAGE = 200;

    private static final PerMessageDeflate SERVER = PerMessageDeflate.builder().build();
    private static final PerMessageDeflate SMALL_WINDOW_SERVER =
            PerMessageDeflate.builder().serverMaxWindowBits(9).clientMaxWindowBits(9).build();
    private static final PerMessageDeflate CLIENT = PerMessageDeflate.builder().clientMaxWindowBitsWithoutValue().build();

    @FuzzTest(maxDuration = Fuzzing.BUDGET)
    void extensionHeader(byte[] input) throws Exception {
        String header = new String(input, StandardCharsets.ISO_8859_1);
        // What a server does with the header (parse it, negotiate, write its answer) is measured.
        Fuzzing.withAllocationBound(64L * input.length + (1 << 20), "extension negotiation", () -> {
            try {
                Optional<Extension> accepted = SERVER.negotiate(ExtensionParameters.parseHeader(header));
                accepted.ifPresent(e -> {
                    e.parameters().toString();
                    e.close();
                });
            } catch (IllegalArgumentException e) {
                // checked below
            }
        });
        check(header);
    }

    private static void check(String header) throws Exception {
        List<ExtensionParameters> elements;
        try {
            elements = ExtensionParameters.parseHeader(header);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() == null || e.getMessage().length() > MAX_ERROR_MESSAGE) {
                throw new AssertionError("error message of " + String.valueOf(e.getMessage()).length() + " chars", e);
            }
            return;
        }
        String formatted = ExtensionParameters.toHeader(elements);
        List<ExtensionParameters> again = ExtensionParameters.parseHeader(formatted);
        if (!again.equals(elements)) {
            throw new AssertionError("'" + formatted + "' parses to " + again + ", not " + elements);
        }
        negotiate(SERVER, elements);
        negotiate(SMALL_WINDOW_SERVER, elements);
        for (ExtensionParameters element : elements) {
            try {
                CLIENT.accept(element).close();
            } catch (ExtensionNegotiationException e) {
                // a response the client does not accept: the connection fails, as section 7 says
            }
        }
    }

    private static boolean isValidOffer(ExtensionParameters offer) {
        if (!offer.name().equalsIgnoreCase(PerMessageDeflate.NAME)) {
            return false;
        }
        try {
            PerMessageDeflate.fromConfig(offer, 0);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void negotiate(PerMessageDeflate server, List<ExtensionParameters> offers) throws Exception {
        Optional<Extension> accepted = server.negotiate(offers);
        if (accepted.isEmpty()) {
            return;
        }
        Extension extension = accepted.get();
        try {
            ExtensionParameters response = extension.parameters();
            List<ExtensionParameters> reparsed = ExtensionParameters.parseHeader(response.toString());
            if (!reparsed.equals(List.of(response))) {
                throw new AssertionError("response '" + response + "' parses to " + reparsed);
            }
            // The server took the first valid offer; a client making the valid offers must accept
            // the answer (section 7.1: a response fits the offer it answers).
            List<ExtensionParameters> valid = offers.stream().filter(ExtensionHeaderFuzzTest::isValidOffer).toList();
            PerMessageDeflateExtension agreed;
            try {
                agreed = PerMessageDeflate.fromConfig(valid, 0).accept(response);
            } catch (ExtensionNegotiationException e) {
                throw new AssertionError("server answered " + offers + " with '" + response
                        + "', which that client refuses: " + e.getMessage(), e);
            }
            agreed.close();
        } finally {
            extension.close();
        }
    }
}
