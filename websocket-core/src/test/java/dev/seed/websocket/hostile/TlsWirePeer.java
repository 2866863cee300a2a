package dev.seed.websocket.hostile;

import dev.seed.websocket.it.RawPeer;
import dev.seed.websocket.it.TestTls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;

/**
 * A TLS client driven record by record through the JDK's {@link SSLEngine} over a plain socket, so
 * that a test decides what goes into each TCP write: a Close frame and close_notify in one
 * segment, close_notify alone, half a frame then a reset, a ClientHello then a reset. Not thread
 * safe.
 */
public final class TlsWirePeer implements AutoCloseable {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final SSLEngine engine;
    /** Records read and not yet unwrapped (write mode). */
    private ByteBuffer netIn = ByteBuffer.allocate(1 << 17);
    /** Plaintext unwrapped and not yet taken (write mode). */
    private ByteBuffer plainIn = ByteBuffer.allocate(1 << 18);

    public TlsWirePeer(int port, String protocol) throws Exception {
        socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(5000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        engine = TestTls.clientContext().createSSLEngine("localhost", port);
        engine.setUseClientMode(true);
        engine.setEnabledProtocols(new String[] {protocol});
    }

    /** Runs the TLS handshake to its end; returns the protocol agreed. */
    public String handshakeTls() throws IOException {
        engine.beginHandshake();
        while (true) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            switch (hs) {
                case NEED_WRAP -> out.write(wrap(EMPTY));
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> unwrapSome();
                case NEED_TASK -> {
                    Runnable t;
                    while ((t = engine.getDelegatedTask()) != null) {
                        t.run();
                    }
                }
                default -> {
                    return engine.getSession().getProtocol();
                }
            }
        }
    }

    /** Only the first flight of the handshake (the ClientHello), written to the socket. */
    public void sendClientHello() throws IOException {
        engine.beginHandshake();
        out.write(wrap(EMPTY));
        out.flush();
    }

    /** TLS, then the WebSocket upgrade of {@code path}; returns the response's status line. */
    public String open(String path) throws IOException {
        handshakeTls();
        out.write(record(RawPeer.upgradeRequest(path).getBytes(StandardCharsets.ISO_8859_1)));
        String head = readHead();
        return head.substring(0, head.indexOf("\r\n"));
    }

    /** {@code plaintext} as TLS records, not yet written. */
    public byte[] record(byte[] plaintext) throws IOException {
        return wrap(ByteBuffer.wrap(plaintext));
    }

    /** A masked client frame as TLS records, not yet written. */
    public byte[] frame(int b0, byte[] payload) throws IOException {
        return record(RawPeer.frame(b0, payload, true, payload.length, 0x1234_5678));
    }

    /** A Close frame with {@code code} as TLS records, not yet written. */
    public byte[] closeFrame(int code) throws IOException {
        return frame(0x88, new byte[] {(byte) (code >> 8), (byte) code});
    }

    /** Our close_notify alert (RFC 8446 section 6.1), not yet written. */
    public byte[] closeNotify() throws IOException {
        engine.closeOutbound();
        return wrap(EMPTY);
    }

    /** Writes every part in one write call: on loopback with TCP_NODELAY, one segment. */
    public void sendTogether(byte[]... parts) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            all.writeBytes(p);
        }
        out.write(all.toByteArray());
        out.flush();
    }

    /** Reads the next server frame (unmasked); null when the connection ended first. */
    public RawPeer.Frame readFrame() throws IOException {
        byte[] head = takePlain(2);
        if (head == null) {
            return null;
        }
        int b0 = head[0] & 0xff;
        int len = head[1] & 0x7f;
        if (len == 126) {
            byte[] ext = takePlain(2);
            len = ((ext[0] & 0xff) << 8) | (ext[1] & 0xff);
        } else if (len == 127) {
            byte[] ext = takePlain(8);
            len = (int) ByteBuffer.wrap(ext).getLong();
        }
        byte[] payload = takePlain(len);
        return new RawPeer.Frame((b0 & 0x80) != 0, (b0 >> 4) & 0x7, b0 & 0x0f, false, payload);
    }

    /** Whether the server ends the TCP connection (FIN or reset) within {@code millis}, reading all it sends. */
    public boolean endedWithin(int millis) throws IOException {
        socket.setSoTimeout(millis);
        long deadline = System.nanoTime() + millis * 1_000_000L;
        byte[] buf = new byte[8192];
        try {
            while (System.nanoTime() < deadline) {
                if (in.read(buf) < 0) {
                    return true;
                }
            }
            return false;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset
        }
    }

    /** Stops reading and makes the socket's receive window small (call before the server writes much). */
    public void receiveBufferSmall() throws SocketException {
        socket.setReceiveBufferSize(4096);
    }

    /** Sends a FIN (without close_notify unless it was sent before). */
    public void shutdownOutput() throws IOException {
        if (!socket.isClosed() && !socket.isOutputShutdown()) {
            socket.shutdownOutput();
        }
    }

    /** Closes with a TCP reset (SO_LINGER 0), without close_notify or FIN. */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    // ------------------------------------------------------------------ engine

    private byte[] wrap(ByteBuffer plain) throws IOException {
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        do {
            net.clear();
            SSLEngineResult r = engine.wrap(plain, net);
            net.flip();
            records.write(net.array(), 0, net.limit());
            if (r.getStatus() == SSLEngineResult.Status.CLOSED || r.bytesProduced() == 0) {
                break;
            }
        } while (plain.hasRemaining());
        return records.toByteArray();
    }

    /** Unwraps what is buffered, reading from the socket when a record is incomplete; false at EOF. */
    private boolean unwrapSome() throws IOException {
        while (true) {
            netIn.flip();
            SSLEngineResult r = engine.unwrap(netIn, plainIn);
            netIn.compact();
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                return false;
            }
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
                    || r.bytesConsumed() == 0 && r.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP) {
                byte[] buf = new byte[16384];
                int n = in.read(buf);
                if (n < 0) {
                    return false;
                }
                netIn.put(buf, 0, n);
                continue;
            }
            return true;
        }
    }

    private byte[] takePlain(int n) throws IOException {
        while (plainIn.position() < n) {
            if (!unwrapSome()) {
                return null;
            }
        }
        plainIn.flip();
        byte[] b = new byte[n];
        plainIn.get(b);
        plainIn.compact();
        return b;
    }

    private String readHead() throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            byte[] b = takePlain(1);
            if (b == null) {
                throw new IOException("connection ended during the upgrade response: " + head);
            }
            head.append((char) (b[0] & 0xff));
        }
        return head.toString();
    }
}
