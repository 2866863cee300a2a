package dev.seed.websocket.bench.load;

import dev.seed.websocket.protocol.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One client connection of the {@link LoadGenerator}: its opening handshake, a minimal reader of
 * server frames (headers parsed, payloads counted and skipped, nothing buffered) and a writer of
 * {@link FrameTemplate} copies. An idle connection holds no buffer. Not thread safe: the
 * generator's thread drives it.
 */
final class GenConnection {

    private static final int CONNECTING = 0;
    private static final int HANDSHAKING = 1;
    private static final int OPEN = 2;

    final SocketChannel channel;
    SelectionKey key;
    private int state = CONNECTING;
    private final String path;
    private final String extensions;
    private final String secKey;
    private ByteBuffer requestOut;
    /** Response head gathered until its blank line; null once open. */
    private byte[] head = new byte[512];
    private int headLength;

    /** Header bytes of the server frame being read (at most 10: servers do not mask). */
    private final byte[] header = new byte[10];
    private int headerLength;
    /** Payload bytes of the current frame still to skip. */
    private long payloadLeft;
    private int opcode;
    private long frameLength;
    /** When non-null, the payload of the first data message is copied here (sanity checks). */
    byte[] firstMessage;
    private int firstMessageFill = -1;

    /** The template written and this connection's view of it. */
    private FrameTemplate template;
    private ByteBuffer view;
    /** Messages queued but not yet started. */
    int toSend;
    /** Data messages received. */
    long received;
    /** Data messages received with RSV1 set: compressed by permessage-deflate (not inflated here). */
    long compressedReceived;
    /** The Sec-WebSocket-Extensions value the server answered; null when it answered none. */
    String negotiatedExtensions;
    /** Whether to send a Close frame as soon as the handshake completes (handshake cycles). */
    boolean closeOnOpen;
    /** Whether the server's Close frame has arrived. */
    boolean closeReceived;
    /** When this connection was started (System.nanoTime), for handshake cycles. */
    long startedAt;
    /** Send times (System.nanoTime) of messages in flight, oldest first: a ring. */
    private long[] sendTimes;
    private int timesHead;
    private int timesSize;

    GenConnection(SocketChannel channel, String path, String extensions) {
        this.channel = channel;
        this.path = path;
        this.extensions = extensions;
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        this.secKey = Base64.getEncoder().encodeToString(nonce);
    }

    /** Keeps a copy of the payload of the first data message received (sanity checks). */
    void captureFirstMessage() {
        firstMessage = new byte[0];
        firstMessageFill = -1;
    }

    boolean isOpen() {
        return state == OPEN;
    }

    void template(FrameTemplate t) {
        this.template = t;
        this.view = t.frames.duplicate();
        this.view.limit(0);
    }

    /** Keeps send times for latency: room for {@code capacity} messages in flight. */
    void trackTimes(int capacity) {
        sendTimes = new long[capacity];
        timesHead = 0;
        timesSize = 0;
    }

    /** TCP is up: send the upgrade request (RFC 6455 section 4.1). */
    void connected(int port) throws IOException {
        String request = "GET " + path + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + secKey + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + (extensions == null ? "" : "Sec-WebSocket-Extensions: " + extensions + "\r\n")
                + "\r\n";
        requestOut = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
        state = HANDSHAKING;
        channel.write(requestOut);
        key.interestOps(requestOut.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    void continueRequest() throws IOException {
        channel.write(requestOut);
        if (!requestOut.hasRemaining()) {
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    /**
     * Takes bytes read from the socket. Returns the number of data messages that ended in them;
     * {@code frames} receives each data message's payload length.
     */
    int onBytes(ByteBuffer in, LoadGenerator.MessageSink sink) throws IOException {
        if (state == HANDSHAKING) {
            if (!readHead(in)) {
                return 0;
            }
        }
        int messages = 0;
        while (in.hasRemaining()) {
            if (payloadLeft > 0) {
                int n = (int) Math.min(payloadLeft, in.remaining());
                if (firstMessage != null && firstMessageFill >= 0) {
                    int take = Math.min(n, firstMessage.length - firstMessageFill);
                    in.get(in.position(), firstMessage, firstMessageFill, take);
                    firstMessageFill += take;
                }
                in.position(in.position() + n);
                payloadLeft -= n;
                if (payloadLeft == 0) {
                    messages += frameDone(sink);
                }
                continue;
            }
            header[headerLength++] = in.get();
            if (headerLength < 2) {
                continue;
            }
            int length7 = header[1] & 0x7F;
            int needed = length7 == 126 ? 4 : length7 == 127 ? 10 : 2;
            if (headerLength < needed) {
                continue;
            }
            if ((header[1] & 0x80) != 0) {
                throw new IOException("server sent a masked frame");
            }
            opcode = header[0] & 0x0F;
            if (length7 == 126) {
                frameLength = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
            } else if (length7 == 127) {
                long l = 0;
                for (int i = 2; i < 10; i++) {
                    l = (l << 8) | (header[i] & 0xFF);
                }
                frameLength = l;
            } else {
                frameLength = length7;
            }
            headerLength = 0;
            if (firstMessage != null && firstMessageFill < 0 && (opcode == 1 || opcode == 2)) {
                firstMessage = new byte[(int) Math.min(frameLength, 1 << 20)];
                firstMessageFill = 0;
            }
            payloadLeft = frameLength;
            if (frameLength == 0) {
                messages += frameDone(sink);
            }
        }
        return messages;
    }

    private int frameDone(LoadGenerator.MessageSink sink) {
        if (firstMessageFill >= 0 && firstMessageFill == firstMessage.length) {
            firstMessageFill = Integer.MIN_VALUE; // captured: stop copying
        }
        if (opcode == WireFormat.OPCODE_CLOSE) {
            closeReceived = true;
            return 0;
        }
        // FIN is not checked: both servers send each echoed message as one frame.
        if (opcode == 1 || opcode == 2 || opcode == 0) {
            received++;
            if ((header[0] & WireFormat.B0_FLAG_RSV1) != 0) {
                compressedReceived++;
            }
            long sentAt = -1;
            if (sendTimes != null && timesSize > 0) {
                sentAt = sendTimes[timesHead];
                timesHead = (timesHead + 1) % sendTimes.length;
                timesSize--;
            }
            sink.message(this, frameLength, sentAt);
            return 1;
        }
        return 0;
    }

    /** Reads the 101 response head; true once it is complete and valid (bytes after it stay in {@code in}). */
    private boolean readHead(ByteBuffer in) throws IOException {
        while (in.hasRemaining()) {
            if (headLength == head.length) {
                throw new IOException("handshake response head too long");
            }
            head[headLength++] = in.get();
            if (headLength >= 4 && head[headLength - 1] == '\n' && head[headLength - 2] == '\r'
                    && head[headLength - 3] == '\n' && head[headLength - 4] == '\r') {
                String response = new String(head, 0, headLength, StandardCharsets.ISO_8859_1);
                checkResponse(response);
                head = null;
                state = OPEN;
                if (closeOnOpen) {
                    sendClose();
                }
                return true;
            }
        }
        return false;
    }

    private void checkResponse(String response) throws IOException {
        if (!response.startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + response.lines().findFirst().orElse(""));
        }
        // RFC 6455 section 4.1, client step 4: the accept value proves a WebSocket server answered.
        String expected = acceptKey(secKey);
        if (!response.toLowerCase(java.util.Locale.ROOT).contains(expected.toLowerCase(java.util.Locale.ROOT))) {
            throw new IOException("wrong Sec-WebSocket-Accept in " + response);
        }
        if (extensions != null && !response.contains("permessage-deflate")) {
            throw new IOException("server did not accept permessage-deflate: " + response);
        }
        if (extensions != null) {
            negotiatedExtensions = headerValue(response, "sec-websocket-extensions");
        }
    }

    /** The value of header {@code name} (any case) in a response head; null when absent. */
    private static String headerValue(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    private static final FrameTemplate CLOSE = FrameTemplate.close();

    /** Starts the closing handshake (RFC 6455 section 7.1.2): a Close frame, status 1000. */
    void sendClose() throws IOException {
        ByteBuffer frame = CLOSE.frames.duplicate();
        channel.write(frame);
        if (frame.hasRemaining()) { // a few bytes on a fresh connection: the socket takes them
            throw new IOException("could not write a " + CLOSE.frameLength + "-byte Close frame at once");
        }
    }

    static String acceptKey(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] d = sha1.digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes queued messages until none are left or the socket is full; keeps OP_WRITE interest
     * while bytes wait. {@code now} is recorded as the send time of each message started.
     */
    void pump(long now) throws IOException {
        while (true) {
            if (!view.hasRemaining()) {
                if (toSend == 0) {
                    break;
                }
                int k = Math.min(toSend, template.copies);
                toSend -= k;
                view.limit(k * template.frameLength).position(0);
                if (sendTimes != null) {
                    for (int i = 0; i < k; i++) {
                        sendTimes[(timesHead + timesSize) % sendTimes.length] = now;
                        timesSize++;
                    }
                }
            }
            channel.write(view);
            if (view.hasRemaining()) {
                break;
            }
        }
        int ops = view.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
        if (key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
