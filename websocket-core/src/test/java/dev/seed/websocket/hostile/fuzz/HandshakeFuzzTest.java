package dev.seed.websocket.hostile.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.seed.websocket.protocol.extension.Extension;
import dev.seed.websocket.protocol.extension.ExtensionParameters;
import dev.seed.websocket.protocol.extension.PerMessageDeflate;
import dev.seed.websocket.protocol.handshake.HandshakeException;
import dev.seed.websocket.protocol.handshake.HttpRequest;
import dev.seed.websocket.protocol.handshake.HttpRequestParser;
import dev.seed.websocket.protocol.handshake.HttpResponse;
import dev.seed.websocket.protocol.handshake.HttpResponseParser;
import dev.seed.websocket.protocol.handshake.ServerHandshake;
import dev.seed.websocket.protocol.handshake.WebSocketVersion;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Arbitrary bytes as a client's opening handshake, through the incremental request parser and the
 * server's checks (RFC 6455 section 4.2.1), split into reads of every size. Whatever the bytes:
 * <ul>
 *   <li>the parser either returns a request, asks for more, or refuses with 400 or 431, and never
 *       consumes a byte past its bound;</li>
 *   <li>the server either answers 101 or refuses with 400, 405 or 426;</li>
 *   <li>every answer is well-formed HTTP with only the header fields the server means to send:
 *       request bytes never reach a refusal, and never break a header line of the 101.</li>
 * </ul>
 *
 * <p>Input layout: byte 0 selects the read size (bits 0-2), hixie-76 and hybi drafts (bit 3) and
 * permessage-deflate (bit 4); the rest is the request.
 */
class HandshakeFuzzTest {

    /** Small enough that inputs reach the bound; the server default is 16 KiB. */
    private static final int MAX_HEADER_BYTES = 1024;
    private static final int MAX_HEADERS = 16;
    private static final List<String> SUBPROTOCOLS = List.of("chat", "superchat");
    private static final Set<Integer> REQUEST_REFUSALS = Set.of(400, 431);
    private static final Set<Integer> HANDSHAKE_REFUSALS = Set.of(400, 405, 426);
    private static final Set<String> REFUSAL_FIELDS = Set.of(
            "content-type", "content-length", "connection", "upgrade", "sec-websocket-version", "allow");
    private static final Set<String> ACCEPT_FIELDS = Set.of("upgrade", "connection", "sec-websocket-accept",
            "sec-websocket-protocol", "sec-websocket-extensions", "sec-websocket-origin", "sec-websocket-location");

    private static final ServerHandshake PLAIN = ServerHandshake.builder().build();
    private static final ServerHandshake EVERYTHING = ServerHandshake.builder()
            .versions(EnumSet.allOf(WebSocketVersion.class))
            .extensions(List.of(PerMessageDeflate.builder().build()))
            .build();
    private static final ServerHandshake DEFLATE = ServerHandshake.builder()
            .extensions(List.of(PerMessageDeflate.builder().clientMaxWindowBits(10).build()))
            .build();

    /** What the server did with one input: the parts of it the checks look at. */
    private static final class Outcome {
        HandshakeException refusal;
        ByteBuffer refusalBytes;
        ServerHandshake.Accepted accepted;
        ByteBuffer acceptedBytes;
    }

    @FuzzTest(maxDuration = Fuzzing.BUDGET)
    void handshake(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        int flags = input[0] & 0xFF;
        ServerHandshake server = (flags & 0x08) != 0 ? EVERYTHING : (flags & 0x10) != 0 ? DEFLATE : PLAIN;
        boolean secure = (flags & 0x20) != 0;
        Outcome[] outcome = {null};
        // What the server does (parse, check, build its answer) is measured; the checks are not.
        Fuzzing.withAllocationBound(256L * input.length + (1 << 20), "handshake", () -> {
            if (outcome[0] != null && outcome[0].accepted != null) {
                outcome[0].accepted.extensions().forEach(Extension::close);
            }
            outcome[0] = serve(server, ByteBuffer.wrap(input, 1, input.length - 1), Fuzzing.chunkSize(flags), secure);
        });
        check(outcome[0]);
    }

    /** The server's side: parse in reads of {@code chunk} bytes, then accept or refuse. */
    private static Outcome serve(ServerHandshake server, ByteBuffer wire, int chunk, boolean secure) throws Exception {
        Outcome outcome = new Outcome();
        HttpRequestParser parser = new HttpRequestParser(MAX_HEADER_BYTES, MAX_HEADERS);
        int[] consumed = {0};
        HttpRequest[] request = {null};
        Fuzzing.inChunks(wire, chunk, (in, last) -> {
            if (request[0] != null || outcome.refusal != null) {
                return;
            }
            int before = in.position();
            try {
                request[0] = parser.parse(in);
            } catch (HandshakeException e) {
                if (!REQUEST_REFUSALS.contains(e.status())) {
                    throw new AssertionError("parser refused with " + e.status(), e);
                }
                outcome.refusal = e;
            }
            consumed[0] += in.position() - before;
            if (request[0] == null && outcome.refusal == null && in.hasRemaining()) {
                throw new AssertionError("parser asked for more but left " + in.remaining() + " bytes");
            }
            // The bound: the head, plus hixie-76's 8 bytes of key3 after it.
            if (consumed[0] > MAX_HEADER_BYTES + 8) {
                throw new AssertionError("parser consumed " + consumed[0] + " bytes, bound " + MAX_HEADER_BYTES);
            }
        });
        if (request[0] != null) {
            try {
                outcome.accepted = server.accept(request[0], SUBPROTOCOLS, secure);
                outcome.acceptedBytes = outcome.accepted.responseBytes();
            } catch (HandshakeException e) {
                if (!HANDSHAKE_REFUSALS.contains(e.status())) {
                    throw new AssertionError("server refused with " + e.status(), e);
                }
                outcome.refusal = e;
            }
        }
        if (outcome.refusal != null) {
            outcome.refusalBytes = outcome.refusal.toResponse().toBytes();
        }
        return outcome;
    }

    private static void check(Outcome outcome) throws Exception {
        if (outcome.refusal != null) {
            checkRefusal(outcome.refusal, outcome.refusalBytes);
        }
        if (outcome.accepted != null) {
            try {
                checkAccepted(outcome.accepted, outcome.acceptedBytes);
            } finally {
                outcome.accepted.extensions().forEach(Extension::close);
            }
        }
    }

    private static void checkAccepted(ServerHandshake.Accepted accepted, ByteBuffer bytes) throws Exception {
        HttpResponse response = reparse(bytes, accepted.version() == WebSocketVersion.HIXIE_76);
        if (response.status() != 101) {
            throw new AssertionError("accepted with " + response.status());
        }
        checkFields(response, ACCEPT_FIELDS);
        String protocol = response.header("Sec-WebSocket-Protocol");
        if (protocol != null && !SUBPROTOCOLS.contains(protocol)) {
            throw new AssertionError("subprotocol " + protocol + " was never supported");
        }
        String extensions = response.header("Sec-WebSocket-Extensions");
        if (extensions != null) {
            List<ExtensionParameters> agreed = ExtensionParameters.parseHeader(extensions);
            if (agreed.size() != accepted.extensions().size()) {
                throw new AssertionError("response names " + agreed + " for " + accepted.extensions());
            }
        }
    }

    /** A refusal is a fixed sentence with fixed fields: nothing the peer sent. */
    private static void checkRefusal(HandshakeException e, ByteBuffer wire) throws Exception {
        HttpResponse response = reparse(wire, false);
        if (response.status() != e.status()) {
            throw new AssertionError("refusal status " + response.status() + " for " + e.status());
        }
        checkFields(response, REFUSAL_FIELDS);
        for (Map.Entry<String, String> field : response.headers()) {
            String value = field.getValue();
            if (!value.matches("[A-Za-z0-9 ,;=/.-]*")) {
                throw new AssertionError("refusal field " + field.getKey() + ": " + value);
            }
        }
        if (!Integer.toString(wire.remaining()).equals(response.header("Content-Length"))) {
            throw new AssertionError("refusal body of " + wire.remaining() + " bytes, Content-Length "
                    + response.header("Content-Length"));
        }
        String body = java.nio.charset.StandardCharsets.UTF_8.decode(wire).toString();
        if (!body.matches("[A-Z][A-Za-z0-9 ./,'-]*\\.\n")) {
            throw new AssertionError("refusal body is not a fixed sentence: " + body);
        }
    }

    private static HttpResponse reparse(ByteBuffer bytes, boolean hixie76) throws Exception {
        HttpResponseParser parser = new HttpResponseParser(64 * 1024, hixie76);
        HttpResponse response = parser.parse(bytes);
        if (response == null) {
            throw new AssertionError("incomplete response");
        }
        return response;
    }

    private static void checkFields(HttpResponse response, Set<String> allowed) {
        for (Map.Entry<String, String> field : response.headers()) {
            if (!allowed.contains(field.getKey().toLowerCase(Locale.ROOT))) {
                throw new AssertionError("unexpected response field " + field.getKey());
            }
        }
    }
}
