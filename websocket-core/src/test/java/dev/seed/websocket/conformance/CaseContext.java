package dev.seed.websocket.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a case's script works with: sending frames through the wire peer, and reading what the
 * endpoint sends. Events read by {@link #quiet} and by the runner are recorded and compared with
 * the case's {@link Outcome}; events taken with {@link #next} are the script's to check.
 */
final class CaseContext {

    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CONTINUATION = 0x0;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /** Pause between octet-wise chops of small frames, so that the endpoint reads them apart. */
    private static final long CHOP_PAUSE_MS = 1;
    /** Pause after a frame sent "frame-wise": the endpoint reads each frame on its own. */
    private static final long SYNC_PAUSE_MS = 2;

    final WirePeer peer;
    /** Events recorded for the outcome, in arrival order (without the close frame). */
    final List<Event> received = new ArrayList<>();
    /** The endpoint's close frame, once it arrived. */
    Event close;
    /** Whether the endpoint's TCP stream ended. */
    boolean eof;
    /** Whether the peer sent a close frame. */
    boolean peerSentClose;
    /** Whether a write failed because the endpoint had gone. */
    boolean writeFailed;

    CaseContext(WirePeer peer) {
        this.peer = peer;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] repeat(String unit, int length) {
        byte[] u = utf8(unit);
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = u[i % u.length];
        }
        return b;
    }

    static byte[] filled(int value, int length) {
        byte[] b = new byte[length];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    /** Whether the endpoint has neither closed nor gone. */
    boolean open() {
        return close == null && !eof;
    }

    /** Whether this case runs against our client (the peer plays the server). */
    boolean againstClient() {
        return !peer.isClient;
    }

    // ------------------------------------------------------------------ sending

    /** A frame with RSV 0. */
    void send(int opcode, boolean fin, byte[] payload) throws IOException {
        raw(peer.frame(fin, 0, opcode, payload));
    }

    void send(int opcode, boolean fin, String payload) throws IOException {
        send(opcode, fin, utf8(payload));
    }

    /** A frame with the given RSV bits (1 = RSV3 ... 4 = RSV1, as in the header's bit order). */
    void sendRsv(int opcode, boolean fin, int rsv, byte[] payload) throws IOException {
        raw(peer.frame(fin, rsv, opcode, payload));
    }

    /** A frame written in chops of {@code chop} octets. */
    void sendChopped(int opcode, boolean fin, byte[] payload, int chop) throws IOException {
        byte[] f = peer.frame(fin, 0, opcode, payload);
        try {
            peer.writeChopped(f, chop, f.length <= 512 ? CHOP_PAUSE_MS : 0);
        } catch (IOException e) {
            writeFailed(e);
        }
    }

    /** A frame written on its own and given time to arrive on its own ("frame-wise chops"). */
    void sendSync(int opcode, boolean fin, byte[] payload) throws IOException {
        send(opcode, fin, payload);
        WirePeer.sleep(SYNC_PAUSE_MS);
    }

    void sendSync(int opcode, boolean fin, String payload) throws IOException {
        sendSync(opcode, fin, utf8(payload));
    }

    /** Bytes as they are. */
    void raw(byte[] bytes) throws IOException {
        try {
            peer.write(bytes);
        } catch (IOException e) {
            writeFailed(e);
        }
    }

    /** Bytes in chops, without pauses (bulk data). */
    void rawChopped(byte[] bytes, int chop) throws IOException {
        try {
            peer.writeChopped(bytes, chop, 0);
        } catch (IOException e) {
            writeFailed(e);
        }
    }

    private void writeFailed(IOException e) throws IOException {
        // The endpoint may legitimately have failed the connection already; the runner then
        // still requires its close frame to have arrived before the stream ended.
        if (peerSentClose) {
            throw e;
        }
        writeFailed = true;
    }

    void text(String text) throws IOException {
        send(TEXT, true, utf8(text));
    }

    /**
     * A data message, compressed when permessage-deflate was agreed and {@code compress} is set,
     * cut into frames of {@code fragmentSize} octets (0: one frame), all written at once.
     */
    void message(int opcode, byte[] payload, int fragmentSize, boolean compress) throws IOException {
        raw(messageBytes(opcode, payload, fragmentSize, compress));
    }

    byte[] messageBytes(int opcode, byte[] payload, int fragmentSize, boolean compress) {
        int rsv = 0;
        byte[] body = payload;
        if (compress && peer.deflate != null) {
            body = peer.deflate.compress(payload);
            rsv = 4;
        }
        if (fragmentSize <= 0 || body.length <= fragmentSize) {
            return peer.frame(true, rsv, opcode, body);
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream(body.length + body.length / fragmentSize * 14 + 14);
        for (int i = 0; i < body.length; i += fragmentSize) {
            int end = Math.min(body.length, i + fragmentSize);
            boolean first = i == 0;
            byte[] part = java.util.Arrays.copyOfRange(body, i, end);
            // RFC 7692 section 6.1: RSV1 only on the first frame of a compressed message.
            all.writeBytes(peer.frame(end == body.length, first ? rsv : 0, first ? opcode : CONTINUATION, part));
        }
        return all.toByteArray();
    }

    /** A close frame with a code and an optional reason. */
    void close(int code, byte[] reason) throws IOException {
        byte[] p = new byte[2 + reason.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(reason, 0, p, 2, reason.length);
        closeRaw(p);
    }

    void close(int code) throws IOException {
        close(code, new byte[0]);
    }

    /** A close frame with exactly this payload. */
    void closeRaw(byte[] payload) throws IOException {
        byte[] f = peer.frame(true, 0, CLOSE, payload);
        peerSentClose = true;
        try {
            peer.write(f);
        } catch (IOException e) {
            if (open()) {
                writeFailed = true;
            }
        }
    }

    // ------------------------------------------------------------------ receiving

    /** Reads one event within {@code millis} and records it; null when none came. */
    Event record(long millis) throws IOException {
        Event e = peer.readEvent(millis);
        if (e == null) {
            return null;
        }
        switch (e.kind()) {
            case CLOSE -> {
                if (close != null) {
                    throw new AssertionError("endpoint sent a second close frame " + e);
                }
                close = e;
            }
            case EOF -> eof = true;
            default -> {
                if (close != null) {
                    throw new AssertionError("endpoint sent " + e + " after its close frame");
                }
                received.add(e);
            }
        }
        return e;
    }

    /** Records whatever the endpoint sends for {@code millis} (a case that expects silence). */
    void quiet(long millis) throws IOException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (open()) {
            long left = (end - System.nanoTime()) / 1_000_000;
            if (left <= 0 || record(left) == null) {
                return;
            }
        }
    }

    /** The next event, which the script checks itself (it is not recorded unless it is a close). */
    Event next(long millis) throws IOException {
        Event e = peer.readEvent(millis);
        if (e == null) {
            throw new AssertionError("no event from the endpoint within " + millis + " ms");
        }
        if (e.kind() == Event.Kind.CLOSE || e.kind() == Event.Kind.EOF) {
            throw new AssertionError("endpoint closed (" + e + ") where the case expected data");
        }
        return e;
    }

    /** Requires the next event to be exactly {@code expected}. */
    void expectNext(Event expected, long millis) throws IOException {
        Event e = next(millis);
        if (!e.equals(expected)) {
            throw new AssertionError("expected " + expected + " but the endpoint sent " + e);
        }
    }

    /** Requires the endpoint's close frame within {@code millis}, before anything else. */
    void expectCloseWithin(long millis) throws IOException {
        Event e = record(millis);
        if (e == null || e.kind() != Event.Kind.CLOSE) {
            throw new AssertionError("expected the endpoint's close frame within " + millis + " ms, got " + e);
        }
    }
}
