package dev.seed.websocket.conformance;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * A raw-frame WebSocket peer written for the conformance suite: it plays the client against our
 * server or the server against our client, does the opening handshake by hand, and then sends
 * whatever bytes a case asks for, including what no well-behaved endpoint sends (any FIN, RSV,
 * opcode, length, mask, chopping of the byte stream). What the endpoint under test sends back is
 * checked strictly against RFC 6455 (masking by role, minimal lengths, RSV use, fragmentation
 * rules, UTF-8 of text and close reasons) and reported as {@link Event}s. Not thread safe.
 */
final class WirePeer implements AutoCloseable {

    static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /** Every read past the first byte of a frame must finish within this (nothing hangs). */
    private static final int FRAME_BODY_TIMEOUT_MS = 10_000;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    /** Whether this peer plays the client (masks what it sends, expects unmasked frames). */
    final boolean isClient;
    /** The agreed permessage-deflate codec, or null when none was agreed. */
    final PeerDeflate deflate;
    /** The response element of the agreed extension, or null. */
    final Map<String, String> agreedExtension;
    private final Random random = new Random(0x5eed);

    // Reassembly of the endpoint's fragmented messages.
    private int messageOpcode = -1;
    private boolean messageCompressed;
    private ByteArrayOutputStream message;

    private WirePeer(Socket socket, DataInputStream in, boolean isClient, Map<String, String> agreed,
            PeerDeflate deflate) throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
        this.isClient = isClient;
        this.agreedExtension = agreed;
        this.deflate = deflate;
    }

    // ------------------------------------------------------------------ opening handshakes

    /**
     * Connects to our server as a client and does the opening handshake (RFC 6455 section 4.1),
     * offering {@code extensions} (a Sec-WebSocket-Extensions value) when not null.
     */
    static WirePeer connect(int port, String path, String extensions) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setTcpNoDelay(true);
        s.setSoTimeout(FRAME_BODY_TIMEOUT_MS);
        byte[] nonce = new byte[16];
        new Random().nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        StringBuilder req = new StringBuilder()
                .append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\n")
                .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(key).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        if (extensions != null) {
            req.append("Sec-WebSocket-Extensions: ").append(extensions).append("\r\n");
        }
        req.append("\r\n");
        s.getOutputStream().write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
        DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
        List<String> head = readHead(in);
        if (!head.get(0).startsWith("HTTP/1.1 101")) {
            s.close();
            throw new AssertionError("server refused the upgrade: " + head);
        }
        Map<String, String> headers = headers(head);
        if (!accept(key).equals(headers.get("sec-websocket-accept"))) {
            s.close();
            throw new AssertionError("wrong Sec-WebSocket-Accept: " + head);
        }
        Map<String, String> agreed = null;
        PeerDeflate deflate = null;
        List<Map<String, String>> response = PeerDeflate.parseHeader(headers.get("sec-websocket-extensions"));
        if (!response.isEmpty()) {
            if (extensions == null || response.size() != 1 || !"permessage-deflate".equals(response.get(0).get(""))) {
                s.close();
                throw new AssertionError("server answered extensions that were not offered: " + head);
            }
            agreed = response.get(0);
            Map<String, String> offer = PeerDeflate.parseHeader(extensions).get(0);
            deflate = PeerDeflate.agreed(true, agreed, offer);
        }
        return new WirePeer(s, in, true, agreed, deflate);
    }

    /**
     * Accepts our client's connection and answers its opening handshake (RFC 6455 section 4.2);
     * {@code respond} gets the client's extension offers and returns the response element, or
     * null to accept no extension.
     */
    static WirePeer accept(ServerSocket listener, Function<List<Map<String, String>>, String> respond)
            throws IOException {
        listener.setSoTimeout(10_000);
        Socket s = listener.accept();
        s.setTcpNoDelay(true);
        s.setSoTimeout(FRAME_BODY_TIMEOUT_MS);
        DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
        List<String> head = readHead(in);
        Map<String, String> headers = headers(head);
        String key = headers.get("sec-websocket-key");
        if (!head.get(0).startsWith("GET ") || key == null
                || !"websocket".equalsIgnoreCase(headers.get("upgrade"))
                || !headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT).contains("upgrade")
                || !"13".equals(headers.get("sec-websocket-version"))
                || Base64.getDecoder().decode(key).length != 16) {
            s.close();
            throw new AssertionError("client sent an invalid upgrade request: " + head);
        }
        List<Map<String, String>> offers = PeerDeflate.parseHeader(headers.get("sec-websocket-extensions"));
        String element = respond.apply(offers);
        StringBuilder res = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\n")
                .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                .append("Sec-WebSocket-Accept: ").append(accept(key)).append("\r\n");
        Map<String, String> agreed = null;
        PeerDeflate deflate = null;
        if (element != null) {
            res.append("Sec-WebSocket-Extensions: ").append(element).append("\r\n");
            agreed = PeerDeflate.parseHeader(element).get(0);
            deflate = PeerDeflate.agreed(false, agreed, null);
        }
        res.append("\r\n");
        s.getOutputStream().write(res.toString().getBytes(StandardCharsets.ISO_8859_1));
        return new WirePeer(s, in, false, agreed, deflate);
    }

    static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1")
                    .digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> readHead(DataInputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("EOF in the handshake: " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return List.of(head.toString(StandardCharsets.ISO_8859_1).trim().split("\r\n"));
    }

    private static Map<String, String> headers(List<String> head) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : head.subList(1, head.size())) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim(), (a, b) -> a + ", " + b);
            }
        }
        return headers;
    }

    // ------------------------------------------------------------------ sending

    /** The bytes of a frame with the given first byte, masked when this peer is the client. */
    byte[] frame(int b0, byte[] payload) {
        return encode(b0, payload, isClient, payload.length, random.nextInt());
    }

    /** The bytes of a frame from its fields. */
    byte[] frame(boolean fin, int rsv, int opcode, byte[] payload) {
        return frame((fin ? 0x80 : 0) | (rsv << 4) | opcode, payload);
    }

    /**
     * Encodes a frame exactly as told: {@code mask} decides the MASK bit whatever the role, and
     * {@code length} is announced in the shortest form that holds it (it may lie).
     */
    static byte[] encode(int b0, byte[] payload, boolean mask, long length, int key) {
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.write(b0);
        int maskBit = mask ? 0x80 : 0;
        if (length <= 125) {
            f.write(maskBit | (int) length);
        } else if (length <= 0xFFFF) {
            f.write(maskBit | 126);
            f.write((int) (length >>> 8));
            f.write((int) length);
        } else {
            f.write(maskBit | 127);
            for (int i = 7; i >= 0; i--) {
                f.write((int) (length >>> (8 * i)));
            }
        }
        byte[] body = payload.clone();
        if (mask) {
            byte[] k = {(byte) (key >>> 24), (byte) (key >>> 16), (byte) (key >>> 8), (byte) key};
            f.write(k, 0, 4);
            for (int i = 0; i < body.length; i++) {
                body[i] ^= k[i & 3];
            }
        }
        f.write(body, 0, body.length);
        return f.toByteArray();
    }

    /** Writes bytes in one call. */
    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Writes bytes in chops of {@code chop} octets, pausing {@code pauseMillis} between them. */
    void writeChopped(byte[] bytes, int chop, long pauseMillis) throws IOException {
        for (int i = 0; i < bytes.length; i += chop) {
            out.write(bytes, i, Math.min(chop, bytes.length - i));
            out.flush();
            if (pauseMillis > 0 && i + chop < bytes.length) {
                sleep(pauseMillis);
            }
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ receiving

    /**
     * Reads the next event within {@code waitMillis}: null when nothing began to arrive in that
     * time. Control frames are events of their own; data frames are gathered into messages.
     */
    Event readEvent(long waitMillis) throws IOException {
        long deadline = System.nanoTime() + waitMillis * 1_000_000;
        while (true) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
            int b0;
            try {
                b0 = in.read();
            } catch (SocketTimeoutException e) {
                return null;
            } catch (IOException e) {
                // A reset counts as the end of the stream; the case then sees no close frame.
                return Event.eof();
            }
            if (b0 < 0) {
                return Event.eof();
            }
            socket.setSoTimeout(FRAME_BODY_TIMEOUT_MS);
            Event e = readFrameAfter(b0);
            if (e != null) {
                return e;
            }
            if (System.nanoTime() > deadline) {
                return null;
            }
        }
    }

    /** Reads the rest of a frame; returns an event, or null for a non-final data frame. */
    private Event readFrameAfter(int b0) throws IOException {
        boolean fin = (b0 & 0x80) != 0;
        int rsv = (b0 >> 4) & 7;
        int opcode = b0 & 0x0F;
        int b1 = in.readUnsignedByte();
        boolean masked = (b1 & 0x80) != 0;
        long length = b1 & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
            check(length > 125, "length %d in the 16-bit form", length);
        } else if (length == 127) {
            length = in.readLong();
            check(length > 0xFFFF, "length %d in the 64-bit form", length);
        }
        // RFC 6455 5.1: a server never masks, a client always does.
        check(masked == !isClient, "%s frame from the %s", masked ? "masked" : "unmasked",
                isClient ? "server" : "client");
        byte[] key = masked ? in.readNBytes(4) : null;
        check(length <= Integer.MAX_VALUE - 16, "frame of %d bytes", length);
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        if (key != null) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= key[i & 3];
            }
        }
        boolean control = opcode >= 8;
        if (control) {
            check(fin, "fragmented control frame (opcode %d)", opcode);
            check(length <= 125, "control frame of %d bytes", length);
            check(rsv == 0, "RSV %d on a control frame", rsv);
        }
        switch (opcode) {
            case 0x9 -> {
                return new Event(Event.Kind.PING, payload, 0);
            }
            case 0xA -> {
                return Event.pong(payload);
            }
            case 0x8 -> {
                return closeEvent(payload);
            }
            case 0x1, 0x2 -> {
                check(messageOpcode < 0, "new data frame inside a fragmented message");
                check(rsv == 0 || (rsv == 4 && deflate != null), "RSV %d on a data frame", rsv);
                messageOpcode = opcode;
                messageCompressed = rsv == 4;
                message = new ByteArrayOutputStream(payload.length);
            }
            case 0x0 -> {
                check(messageOpcode > 0, "continuation frame without a message");
                check(rsv == 0, "RSV %d on a continuation frame", rsv);
            }
            default -> throw new AssertionError("endpoint sent reserved opcode " + opcode);
        }
        message.write(payload, 0, payload.length);
        if (!fin) {
            return null;
        }
        byte[] whole = message.toByteArray();
        if (messageCompressed) {
            whole = deflate.decompress(whole);
        }
        int op = messageOpcode;
        messageOpcode = -1;
        message = null;
        if (op == 0x1) {
            check(validUtf8(whole), "text message that is not UTF-8");
            return Event.text(whole);
        }
        return Event.binary(whole);
    }

    private static Event closeEvent(byte[] payload) {
        if (payload.length == 0) {
            return Event.close(1005, new byte[0]);
        }
        check(payload.length >= 2, "close frame with a 1-byte payload");
        int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        check((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999),
                "close code %d that may not be sent", code);
        byte[] reason = java.util.Arrays.copyOfRange(payload, 2, payload.length);
        check(validUtf8(reason), "close reason that is not UTF-8");
        return Event.close(code, reason);
    }

    static boolean validUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static void check(boolean ok, String what, Object... args) {
        if (!ok) {
            throw new AssertionError("endpoint broke RFC 6455: it sent a " + String.format(what, args));
        }
    }

    /** The local port of this peer's socket (the endpoint sees it as the remote port). */
    int localPort() {
        return socket.getLocalPort();
    }

    Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
