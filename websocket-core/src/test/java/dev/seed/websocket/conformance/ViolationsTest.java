package dev.seed.websocket.conformance;

import static dev.seed.websocket.conformance.CaseContext.BINARY;
import static dev.seed.websocket.conformance.CaseContext.CONTINUATION;
import static dev.seed.websocket.conformance.CaseContext.PING;
import static dev.seed.websocket.conformance.CaseContext.TEXT;
import static dev.seed.websocket.conformance.CaseContext.utf8;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;

/**
 * The project's own cases beyond the public list (ids x.N.M): lengths that lie or break the
 * rules, masks on the wrong side, compressed frames with and without a negotiated extension, and
 * the engine's limits. Each is run against our server and our client like the numbered groups.
 */
class ViolationsTest extends ConformanceGroupTest {

    /** The deflate offer (the peer as client) and answer (the peer as server) of the x.3 cases. */
    private static final String OFFER = "permessage-deflate; client_no_context_takeover; client_max_window_bits";
    private static final String ANSWER = "permessage-deflate; server_no_context_takeover";
    private static final int MIB = 1 << 20;

    private static ConformanceCase deflated(ConformanceCase cc) {
        return cc.deflate(OFFER, offers -> offers.isEmpty() ? null : ANSWER);
    }

    /** A header announcing {@code length} in the form given by {@code lengthCode} (126 or 127). */
    private static byte[] header(CaseContext c, int b0, int lengthCode, long length) {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        h.write(b0);
        h.write((c.peer.isClient ? 0x80 : 0) | lengthCode);
        int bytes = lengthCode == 126 ? 2 : 8;
        for (int i = bytes - 1; i >= 0; i--) {
            h.write((int) (length >>> (8 * i)));
        }
        return h.toByteArray();
    }

    /** A frame whose length uses a longer form than needed (RFC 6455 5.2 asks for the shortest). */
    private static byte[] longForm(CaseContext c, int b0, int lengthCode, byte[] payload) {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.writeBytes(header(c, b0, lengthCode, payload.length));
        byte[] body = payload.clone();
        if (c.peer.isClient) {
            byte[] key = {0x12, 0x34, 0x56, 0x78};
            f.writeBytes(key);
            for (int i = 0; i < body.length; i++) {
                body[i] ^= key[i & 3];
            }
        }
        f.writeBytes(body);
        return f.toByteArray();
    }

    static List<ConformanceCase> all() {
        List<ConformanceCase> cases = new ArrayList<>();
        // x.1: lengths
        cases.add(ConformanceCase.of("x.1.1", "64-bit length with its most significant bit set",
                c -> c.raw(header(c, 0x82, 127, 0x8000_0000_0000_0005L)), Outcome.fail(1002)));
        cases.add(ConformanceCase.of("x.1.2", "frame announcing 16 MiB + 1 bytes (over the frame limit), no payload sent",
                c -> c.raw(header(c, 0x82, 127, 16L * MIB + 1)), Outcome.fail(1009)));
        cases.add(ConformanceCase.of("x.1.3", "5-byte text in the 16-bit length form: accepted (the form is unambiguous)",
                c -> c.raw(longForm(c, 0x81, 126, utf8("hello"))), Outcome.echo(Event.text("hello"))));
        cases.add(ConformanceCase.of("x.1.4", "200-byte binary in the 64-bit length form: accepted",
                c -> c.raw(longForm(c, 0x82, 127, CaseContext.filled(7, 200))),
                Outcome.echo(Event.binary(CaseContext.filled(7, 200)))));
        cases.add(ConformanceCase.of("x.1.5", "message of 131073 empty fragments (over the fragment limit)",
                c -> {
                    ByteArrayOutputStream all = new ByteArrayOutputStream();
                    all.writeBytes(c.peer.frame(false, 0, BINARY, new byte[0]));
                    for (int i = 0; i < 131072; i++) {
                        all.writeBytes(c.peer.frame(i == 131071, 0, CONTINUATION, new byte[0]));
                    }
                    c.raw(all.toByteArray());
                }, Outcome.fail(1009)).within(10_000));
        cases.add(ConformanceCase.of("x.1.6", "fragments adding up to more than the 16 MiB message limit",
                c -> {
                    c.send(BINARY, false, new byte[8 * MIB]);
                    c.send(CONTINUATION, false, new byte[8 * MIB]);
                    c.send(CONTINUATION, true, new byte[1]);
                }, Outcome.fail(1009)).within(10_000));
        // x.2: masks
        cases.add(ConformanceCase.of("x.2.1", "text frame masked the wrong way for the endpoint's role (RFC 6455 5.1)",
                c -> c.raw(WirePeer.encode(0x81, utf8("hello"), !c.peer.isClient, 5, 0x01020304)), Outcome.fail(1002)));
        cases.add(ConformanceCase.of("x.2.2", "ping masked the wrong way for the endpoint's role",
                c -> c.raw(WirePeer.encode(0x89, utf8("ping"), !c.peer.isClient, 4, 0x01020304)), Outcome.fail(1002)));
        // x.3: compressed frames
        cases.add(ConformanceCase.of("x.3.1", "compressed frame (RSV1) without a negotiated extension",
                c -> c.sendRsv(TEXT, true, 4, new byte[] {(byte) 0xf2, 0x48, (byte) 0xcd, (byte) 0xc9, (byte) 0xc9, 0x07, 0}),
                Outcome.fail(1002)));
        cases.add(deflated(ConformanceCase.of("x.3.2", "RFC 7692 7.2.3.1 \"Hello\" compressed, one frame",
                c -> c.sendRsv(TEXT, true, 4, Utf8Sequences.hex("f248cdc9c90700")), Outcome.echo(Event.text("Hello")))));
        cases.add(deflated(ConformanceCase.of("x.3.3", "RFC 7692 7.2.3.1 \"Hello\" compressed in 2 fragments, RSV1 on the first",
                c -> {
                    c.sendRsv(TEXT, false, 4, Utf8Sequences.hex("f248cd"));
                    c.send(CONTINUATION, true, Utf8Sequences.hex("c9c90700"));
                }, Outcome.echo(Event.text("Hello")))));
        cases.add(deflated(ConformanceCase.of("x.3.4", "RSV1 on a continuation frame",
                c -> {
                    c.sendRsv(TEXT, false, 4, Utf8Sequences.hex("f248cd"));
                    c.sendRsv(CONTINUATION, true, 4, Utf8Sequences.hex("c9c90700"));
                }, Outcome.fail(1002))));
        cases.add(deflated(ConformanceCase.of("x.3.5", "RSV1 on a ping",
                c -> c.sendRsv(PING, true, 4, utf8("ping")), Outcome.fail(1002))));
        cases.add(deflated(ConformanceCase.of("x.3.6", "RSV2 on a data frame with only permessage-deflate negotiated",
                c -> c.sendRsv(TEXT, true, 2, utf8("hello")), Outcome.fail(1002))));
        cases.add(deflated(ConformanceCase.of("x.3.7", "compressed frame whose payload is not DEFLATE data",
                c -> c.sendRsv(BINARY, true, 4, CaseContext.filled(0xFF, 16)), Outcome.fail(1007))));
        cases.add(deflated(ConformanceCase.of("x.3.8", "compressed text that inflates to invalid UTF-8",
                c -> c.message(TEXT, Utf8Sequences.hex("cebae1bdb9cf83cebcceb5eda080656469746564"), 0, true),
                Outcome.fail(1007))));
        cases.add(deflated(ConformanceCase.of("x.3.9", "compressed message inflating past the 16 MiB message limit",
                c -> c.message(BINARY, new byte[16 * MIB + 1024], 0, true), Outcome.fail(1009)).within(10_000)));
        cases.add(deflated(ConformanceCase.of("x.3.10", "uncompressed message (RSV1 clear) on a deflate connection",
                c -> c.text("plain"), Outcome.echo(Event.text("plain")))));
        cases.add(deflated(ConformanceCase.of("x.3.11", "empty compressed message (RFC 7692 7.2.3.6: one 0x00 octet)",
                c -> c.sendRsv(TEXT, true, 4, new byte[] {0}), Outcome.echo(Event.text("")))));
        byte[] finalBlock = finalBlockMessage(utf8("final block"));
        cases.add(deflated(ConformanceCase.of("x.3.12", "compressed message ending with a BFINAL block, then another",
                c -> {
                    c.sendRsv(TEXT, true, 4, finalBlock);
                    c.message(TEXT, utf8("after final"), 0, true);
                }, Outcome.echo(Event.text("final block"), Event.text("after final")))));
        cases.add(deflated(ConformanceCase.of("x.3.13", "compressed message with a ping between its fragments",
                c -> {
                    byte[] body = c.peer.deflate.compress(CaseContext.repeat("abc", 3000));
                    int half = body.length / 2;
                    c.sendRsv(TEXT, false, 4, java.util.Arrays.copyOfRange(body, 0, half));
                    c.send(PING, true, "mid");
                    c.send(CONTINUATION, true, java.util.Arrays.copyOfRange(body, half, body.length));
                }, Outcome.echo(Event.pong("mid"), Event.text(CaseContext.repeat("abc", 3000))))));
        return cases;
    }

    /** A whole DEFLATE stream (ending with BFINAL), as RFC 7692 7.2.3.4 allows. */
    private static byte[] finalBlockMessage(byte[] data) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        d.setInput(data);
        d.finish();
        byte[] out = new byte[data.length + 64];
        int n = d.deflate(out);
        d.end();
        return java.util.Arrays.copyOf(out, n);
    }

    @Override
    List<ConformanceCase> cases() {
        return all();
    }
}
