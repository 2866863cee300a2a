package dev.seed.websocket.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A blocking raw-socket WebSocket peer for tests: it sends whatever bytes it is told, including
 * what no well-behaved endpoint sends, and reads frames and HTTP responses byte by byte.
 */
public final class RawPeer implements AutoCloseable {

    /** A frame as read from the wire. */
    public record Frame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The close code of a close frame, or -1 when it has none. */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1;
        }
    }

    /** An HTTP response head and its body (as far as Content-Length says). */
    public record Response(int status, Map<String, String> headers, String body) {
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Random random = new Random(42);

    public RawPeer(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    public Socket socket() {
        return socket;
    }

    /** A valid upgrade request for {@code path} with extra header lines (each "Name: value"). */
    public static String upgradeRequest(String path, String... extraHeaders) {
        StringBuilder sb = new StringBuilder();
        sb.append("GET ").append(path).append(" HTTP/1.1\r\n");
        sb.append("Host: 127.0.0.1\r\n");
        sb.append("Upgrade: websocket\r\n");
        sb.append("Connection: Upgrade\r\n");
        sb.append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
        sb.append("Sec-WebSocket-Version: 13\r\n");
        for (String h : extraHeaders) {
            sb.append(h).append("\r\n");
        }
        sb.append("\r\n");
        return sb.toString();
    }

    /** Sends an upgrade request and reads the response. */
    public Response handshake(String path, String... extraHeaders) throws IOException {
        sendRaw(upgradeRequest(path, extraHeaders).getBytes(StandardCharsets.ISO_8859_1));
        return readResponse();
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads an HTTP response head, and its body when Content-Length is given. */
    public Response readResponse() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("EOF in HTTP response head: " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
                    ? state + 1 : (b == '\r' ? 1 : 0);
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim(), (a, b) -> a + ", " + b);
            }
        }
        String body = "";
        String length = headers.get("content-length");
        if (length != null) {
            byte[] b = new DataInputStream(in).readNBytes(Integer.parseInt(length));
            body = new String(b, StandardCharsets.UTF_8);
        }
        return new Response(status, headers, body);
    }

    /** Sends one frame: byte 0 as given, masked with a random key when {@code mask}. */
    public void sendFrame(int b0, byte[] payload, boolean mask) throws IOException {
        sendFrame(b0, payload, mask, payload.length);
    }

    /** Sends one frame announcing {@code announcedLength} (which may lie). */
    public void sendFrame(int b0, byte[] payload, boolean mask, long announcedLength) throws IOException {
        sendRaw(frame(b0, payload, mask, announcedLength, random.nextInt()));
    }

    /** The bytes of one frame. */
    public static byte[] frame(int b0, byte[] payload, boolean mask, long length, int key) {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
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
            f.writeBytes(k);
            for (int i = 0; i < body.length; i++) {
                body[i] ^= k[i & 3];
            }
        }
        f.writeBytes(body);
        return f.toByteArray();
    }

    public void sendText(String text) throws IOException {
        sendFrame(0x81, text.getBytes(StandardCharsets.UTF_8), true);
    }

    public void sendClose(int code, String reason) throws IOException {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        sendFrame(0x88, p, true);
    }

    /** Reads one frame (blocking up to the socket timeout). */
    public Frame readFrame() throws IOException {
        DataInputStream d = new DataInputStream(in);
        int b0 = d.readUnsignedByte();
        int b1 = d.readUnsignedByte();
        long len = b1 & 0x7F;
        if (len == 126) {
            len = d.readUnsignedShort();
        } else if (len == 127) {
            len = d.readLong();
        }
        byte[] key = null;
        if ((b1 & 0x80) != 0) {
            key = d.readNBytes(4);
        }
        byte[] payload = d.readNBytes((int) len);
        if (payload.length != len) {
            throw new EOFException("EOF in frame payload");
        }
        if (key != null) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= key[i & 3];
            }
        }
        return new Frame((b0 & 0x80) != 0, b0 & 0x70, b0 & 0x0F, key != null, payload);
    }

    /** Reads frames until a close frame, skipping others; returns it. */
    public Frame readUntilClose() throws IOException {
        while (true) {
            Frame f = readFrame();
            if (f.opcode() == 0x8) {
                return f;
            }
        }
    }

    /** Whether the peer closed the TCP connection (EOF or reset) within {@code millis}. */
    public boolean closedByPeerWithin(int millis) throws IOException {
        int old = socket.getSoTimeout();
        socket.setSoTimeout(millis);
        long deadline = System.currentTimeMillis() + millis;
        try {
            while (System.currentTimeMillis() < deadline) {
                if (in.read() < 0) {
                    return true;
                }
            }
            return false;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(old);
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A random base64 key, for tests that need distinct keys. */
    public static String randomKey(Random r) {
        byte[] k = new byte[16];
        r.nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }
}
