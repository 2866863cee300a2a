package dev.seed.websocket.conformance;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The wire peer's own permessage-deflate codec (RFC 7692 section 7.2), written against the RFC
 * with the JDK's zlib and nothing of the engine under test. It also checks what the endpoint
 * promised: with {@code *_no_context_takeover} agreed for the endpoint's direction, every message
 * is inflated by a fresh {@link Inflater}, which fails on any back-reference into an earlier
 * message.
 */
final class PeerDeflate {

    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

    /** The peer resets its compressor after each message. */
    private final boolean ownNoContextTakeover;
    /** The endpoint resets its compressor after each message: inflate each message afresh. */
    private final boolean remoteNoContextTakeover;
    /** Window the peer's compressor may use; below 15 it sends Huffman-only blocks. */
    private final int ownWindowBits;
    private Deflater deflater;
    private Inflater inflater;

    private PeerDeflate(boolean ownNoContextTakeover, boolean remoteNoContextTakeover, int ownWindowBits) {
        this.ownNoContextTakeover = ownNoContextTakeover;
        this.remoteNoContextTakeover = remoteNoContextTakeover;
        this.ownWindowBits = ownWindowBits;
    }

    /**
     * The codec for a peer playing {@code peerIsClient ? client : server}, from the agreed response
     * element and the offer it answers (a client keeps an offered client_no_context_takeover).
     */
    static PeerDeflate agreed(boolean peerIsClient, Map<String, String> response, Map<String, String> offer) {
        boolean clientNct = response.containsKey("client_no_context_takeover")
                || (offer != null && offer.containsKey("client_no_context_takeover"));
        boolean serverNct = response.containsKey("server_no_context_takeover");
        int clientBits = bits(response.get("client_max_window_bits"));
        int serverBits = bits(response.get("server_max_window_bits"));
        return peerIsClient ? new PeerDeflate(clientNct, serverNct, clientBits)
                : new PeerDeflate(serverNct, clientNct, serverBits);
    }

    private static int bits(String value) {
        return value == null ? 15 : Integer.parseInt(value.replace("\"", "").trim());
    }

    /** Section 7.2.1: DEFLATE, sync flush, drop the 4-octet tail. */
    byte[] compress(byte[] data) {
        if (deflater == null) {
            deflater = new Deflater(Deflater.BEST_SPEED, true);
            if (ownWindowBits < 15) {
                // No LZ77 matches: no distance can exceed a window smaller than zlib's 32 KiB.
                deflater.setStrategy(Deflater.HUFFMAN_ONLY);
                deflater.deflate(new byte[0], 0, 0, Deflater.NO_FLUSH);
            }
        }
        deflater.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
        byte[] buf = new byte[64 * 1024];
        int n;
        do {
            n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            out.write(buf, 0, n);
        } while (n == buf.length);
        byte[] all = out.toByteArray();
        if (ownNoContextTakeover) {
            deflater.reset();
        }
        if (all.length == 0) {
            return new byte[] {0};
        }
        if (all.length < 4 || !Arrays.equals(all, all.length - 4, all.length, TAIL, 0, 4)) {
            throw new IllegalStateException("sync flush without its empty stored block");
        }
        return Arrays.copyOf(all, all.length - 4);
    }

    /** Section 7.2.2: append the tail and inflate; a corrupt stream fails the test. */
    byte[] decompress(byte[] data) {
        if (inflater == null || remoteNoContextTakeover) {
            if (inflater != null) {
                inflater.end();
            }
            inflater = new Inflater(true);
        }
        byte[] input = Arrays.copyOf(data, data.length + 4);
        System.arraycopy(TAIL, 0, input, data.length, 4);
        inflater.setInput(input);
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length * 3 + 64);
        byte[] buf = new byte[64 * 1024];
        try {
            int n;
            while ((n = inflater.inflate(buf)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (DataFormatException e) {
            throw new AssertionError("endpoint sent a compressed message the peer cannot inflate"
                    + (remoteNoContextTakeover ? " with a fresh window (no_context_takeover was agreed)" : "")
                    + ": " + e.getMessage(), e);
        }
        if (inflater.finished()) {
            inflater.reset();
        }
        return out.toByteArray();
    }

    /**
     * Parses a Sec-WebSocket-Extensions value into elements: each a map of parameter to value
     * (null when it has none), with the extension name under the key "".
     */
    static List<Map<String, String>> parseHeader(String header) {
        List<Map<String, String>> elements = new java.util.ArrayList<>();
        if (header == null || header.isBlank()) {
            return elements;
        }
        for (String element : header.split(",")) {
            String[] parts = element.split(";");
            Map<String, String> params = new LinkedHashMap<>();
            params.put("", parts[0].trim().toLowerCase(java.util.Locale.ROOT));
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].trim();
                int eq = p.indexOf('=');
                if (eq < 0) {
                    params.put(p.toLowerCase(java.util.Locale.ROOT), null);
                } else {
                    params.put(p.substring(0, eq).trim().toLowerCase(java.util.Locale.ROOT),
                            p.substring(eq + 1).trim().replace("\"", ""));
                }
            }
            elements.add(params);
        }
        return elements;
    }
}
