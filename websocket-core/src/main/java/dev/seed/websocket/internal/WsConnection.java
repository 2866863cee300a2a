package dev.seed.websocket.internal;

import dev.seed.websocket.BackpressureException;
import dev.seed.websocket.BackpressurePolicy;
import dev.seed.websocket.CloseCause;
import dev.seed.websocket.CloseCodes;
import dev.seed.websocket.Compression;
import dev.seed.websocket.ConnectionListener;
import dev.seed.websocket.ConnectionListener.Side;
import dev.seed.websocket.FrameListener;
import dev.seed.websocket.HandshakeRequest;
import dev.seed.websocket.HandshakeResponse;
import dev.seed.websocket.ScheduledTask;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketException;
import dev.seed.websocket.protocol.FrameObserver;
import dev.seed.websocket.protocol.ProtocolEngine;
import dev.seed.websocket.protocol.ProtocolException;
import dev.seed.websocket.protocol.ProtocolListener;
import dev.seed.websocket.protocol.ProtocolOutput;
import dev.seed.websocket.protocol.WebSocketProtocol;
import dev.seed.websocket.protocol.WireFormat;
import dev.seed.websocket.protocol.extension.Extension;
import dev.seed.websocket.protocol.extension.PerMessageDeflateExtension;
import dev.seed.websocket.transport.EventLoop;
import dev.seed.websocket.transport.Transport;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * An open WebSocket connection: glues the transport, the sans-I/O engine and the application's
 * handler. The engine and the transport are touched by the connection's event loop only; the
 * public methods are safe from any thread and hand work to the loop. Its timers are
 * {@link ConnectionTimers}, handler calls on an executor go through a {@link HandlerDispatcher},
 * and the buffer it lends to handlers follows {@link LentBuffers}.
 *
 * <p>Longer than most classes here (about 800 lines) because it is the one place where three
 * interfaces meet, each implemented in a few lines: the public {@link WebSocketConnection}, the
 * engine's {@link ProtocolListener} and {@link ProtocolOutput}, and the transport's
 * {@link Transport.Handler}.
 */
public final class WsConnection implements WebSocketConnection, ProtocolListener, ProtocolOutput,
        Transport.Handler {

    private static final System.Logger LOG = System.getLogger(WsConnection.class.getName());
    private static final AtomicLong IDS = new AtomicLong();
    /**
     * Output counts as congested (pongs get coalesced, RFC 6455 section 5.5.3) past this many
     * queued bytes or queued buffers: a peer that does not read cannot make a ping flood pile up
     * more than about this much.
     */
    static final int CONGESTED_BYTES = 64 * 1024;
    static final int CONGESTED_BUFFERS = 1024;
    private static final AtomicLongFieldUpdater<WsConnection> PENDING_BYTES =
            AtomicLongFieldUpdater.newUpdater(WsConnection.class, "pendingBytes");

    /** Number of {@link #id()}, which is built when asked for (an idle connection stays small). */
    private final long idNumber;
    private final Transport transport;
    /** What this connection shares with the others of its route (or connect call): settings, handler, owner. */
    private final ConnectionSetup setup;
    /**
     * A server connection's upgrade request as kept ({@link RetainedHandshakeRequest#keep}), read
     * back into a view on each {@link #request()}; null for a client (its view is in the extras).
     */
    private final byte[] retainedHead;
    private final String subprotocol;
    /** Runs handler calls in order on the application's executor; null: on the loop itself. */
    private final HandlerDispatcher dispatcher;

    /** The engine; loop thread only after {@link #open}. */
    private ProtocolEngine engine;
    /** Topics, attributes, the user, a client's handshake: null until one is used (an idle connection stays small). */
    private volatile ConnectionExtras extras;
    /** Bytes of sends handed to the loop and not yet queued in the transport (PENDING_BYTES). */
    private volatile long pendingBytes;
    /** Whether a drain of the write queue is awaited to send an owed pong. Loop only. */
    private boolean drainAwaited;
    /** Whether data may flow: open and no close frame sent or received. */
    private volatile boolean open;
    /** Why the connection ended or is ending; null while open. */
    private volatile CloseCause cause;
    /** Whether our side sent the first close frame (or failed the connection). Loop only. */
    private boolean locallyInitiated;
    /** Whether {@link #finish} ran. Loop only (read on every send: no fence). */
    private boolean finished;
    /**
     * {@link #finished} for other threads: written right after it, before the connection leaves its
     * topics, so that topic subscription and scheduling from other threads see it has ended.
     */
    private volatile boolean ended;
    /**
     * Timers and keepalive state, with when the last bytes arrived and the last round-trip time;
     * null until one is armed (an idle connection stays small). Loop only.
     */
    private ConnectionTimers timers;
    /** Whether the application paused reading. Written on the loop. */
    private volatile boolean readingPaused;
    /** What a held flow keeps (a paused reading, sends waiting behind a message in parts); null until needed. Loop only. */
    private FlowState flow;
    /** This connection's slot in its server's {@link ConnectionRegistry}; -1 when in none. Under the registry's lock. */
    int registrySlot = -1;

    /**
     * @param retainedHead a server connection's request as kept ({@link RetainedHandshakeRequest#keep}); null for a client
     * @param extras what the connection starts with of its extras (a user, a client's request view), or null
     */
    public WsConnection(Transport transport, ConnectionSetup setup, byte[] retainedHead, ConnectionExtras extras,
            String subprotocol, Duration maxLifetime) {
        this.idNumber = IDS.incrementAndGet();
        this.transport = transport;
        this.setup = setup;
        this.retainedHead = retainedHead;
        this.extras = extras;
        this.subprotocol = subprotocol;
        EndpointConfig config = setup.config();
        if (maxLifetime != null && !maxLifetime.isZero()) {
            timers().lifetimeNanos = maxLifetime.toNanos();
        }
        this.dispatcher = config.handlerExecutor() == null ? null
                : new HandlerDispatcher(this, transport, config.handlerExecutor(), config.backpressureLimit());
    }

    /**
     * Starts the connection on its loop with its engine: notifies onOpen, arms the timers, then
     * feeds the bytes that arrived right after the handshake.
     */
    public void open(ProtocolEngine engine, ByteBuffer leftover) {
        this.engine = engine;
        if (engine instanceof WebSocketProtocol p && setup.config().frameListener() != null) {
            p.frameObserver(new FrameObserver() {
                private final FrameListener listener = setup.config().frameListener();
                private final boolean payloads = listener.wantsPayload();

                @Override
                public void onFrame(boolean in, int op, boolean fin, int rsv, long len) {
                    listener.onFrame(WsConnection.this, in, op, fin, rsv, len);
                }

                @Override
                public boolean wantsPayload() {
                    return payloads;
                }

                @Override
                public void onPayload(boolean in, ByteBuffer chunk, boolean frameEnd) {
                    listener.onPayload(WsConnection.this, in, chunk, frameEnd);
                }
            });
        }
        transport.handler(this);
        if (setup.handlerTakesParts() && engine instanceof WebSocketProtocol) {
            // (a hixie-76 connection gives each whole message as one last part: see onText)
            engine.deliverParts(true);
        }
        if (!setup.handler().autoPong() && engine instanceof WebSocketProtocol p) {
            p.autoPong(false); // the handler answers each ping itself
        }
        open = true;
        if (timers != null) {
            timers.bytesArrived(); // the idle time counts from open
        }
        setup.listeners().onOpen(this);
        dispatch(() -> setup.handler().onOpen(this));
        armTimers();
        if (leftover != null && leftover.hasRemaining()) {
            onData(leftover);
        }
        transport.flushSoon();
    }

    /** The engine (loop thread only). */
    ProtocolEngine engine() {
        return engine;
    }

    /** The connection's loop. */
    public EventLoop loop() {
        return transport.loop();
    }

    // ------------------------------------------------------------------ sending

    /** One send operation run on the loop; returns false when the engine refused it. */
    @FunctionalInterface
    private interface Send {
        boolean run(ProtocolEngine engine);
    }

    /** What a send is, for ordering: a whole data message, a part of one, or a control frame. */
    private static final int WHOLE = 0;
    private static final int PART = 1;
    private static final int CONTROL = 2;

    /** A whole message waiting for the last part of a message sent in parts. */
    record HeldSend(Send send, CompletableFuture<Void> future, long size) {
    }

    @Override
    public CompletableFuture<Void> sendText(CharSequence text) {
        return sendText(text, Compression.DEFAULT);
    }

    @Override
    public CompletableFuture<Void> sendText(CharSequence text, Compression compression) {
        Objects.requireNonNull(text, "text");
        int hint = hint(compression);
        if (setup.config().maxSendSize() > 0 && text.length() > setup.config().maxSendSize() / 3 && tooLarge(utf8Length(text))) {
            return sendRefused(utf8Length(text));
        }
        return submit(text.length(), WHOLE, e -> {
            boolean sent = hint == Extension.ENCODE_DEFAULT || !(e instanceof WebSocketProtocol p)
                    ? e.sendText(text)
                    : p.sendMessage(WireFormat.OPCODE_TEXT,
                            ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)), hint);
            if (sent) {
                messageSent(true, e, text.length());
            }
            return sent;
        });
    }

    @Override
    public CompletableFuture<Void> sendBinary(ByteBuffer data) {
        return sendBinary(data, Compression.DEFAULT);
    }

    @Override
    public CompletableFuture<Void> sendBinary(ByteBuffer data, Compression compression) {
        Objects.requireNonNull(data, "data");
        int hint = hint(compression);
        if (tooLarge(data.remaining())) {
            return sendRefused(data.remaining());
        }
        // Sent from a handler lent a loop's buffer (echo, relay to a connection on any loop): a copy.
        ByteBuffer view = LentBuffers.keepable(data);
        return submit(view.remaining(), WHOLE, e -> {
            int size = view.remaining();
            boolean sent = hint == Extension.ENCODE_DEFAULT || !(e instanceof WebSocketProtocol p)
                    ? e.sendBinary(view)
                    : p.sendMessage(WireFormat.OPCODE_BINARY, view, hint);
            if (sent) {
                messageSent(false, e, size);
            }
            return sent;
        });
    }

    @Override
    public CompletableFuture<Void> sendText(CharSequence part, boolean last, Compression compression) {
        Objects.requireNonNull(part, "part");
        int hint = hint(compression);
        String text = part.toString();
        if (setup.config().maxSendSize() > 0 && text.length() > setup.config().maxSendSize() / 3 && tooLarge(utf8Length(text))) {
            return sendRefused(utf8Length(text));
        }
        return submit(text.length(), PART, e -> {
            boolean sent = e.sendTextPart(text, last, hint);
            if (sent && last) {
                messageSent(true, e, text.length());
            }
            return sent;
        });
    }

    @Override
    public CompletableFuture<Void> sendBinary(ByteBuffer part, boolean last, Compression compression) {
        Objects.requireNonNull(part, "part");
        int hint = hint(compression);
        if (tooLarge(part.remaining())) {
            return sendRefused(part.remaining());
        }
        ByteBuffer view = LentBuffers.keepable(part);
        return submit(view.remaining(), PART, e -> {
            int size = view.remaining();
            boolean sent = e.sendBinaryPart(view, last, hint);
            if (sent && last) {
                messageSent(false, e, size);
            }
            return sent;
        });
    }

    @Override
    public OutputStream sendStream(Compression compression) {
        return new MessageOutputStream(this, Objects.requireNonNull(compression, "compression"));
    }

    @Override
    public Writer sendWriter(Compression compression) {
        return new MessageWriter(this, Objects.requireNonNull(compression, "compression"));
    }

    /** Whether a message of {@code bytes} is over the endpoint's maximum send size. */
    private boolean tooLarge(long bytes) {
        long max = setup.config().maxSendSize();
        return max > 0 && bytes > max;
    }

    private CompletableFuture<Void> sendRefused(long bytes) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        sendFailed(f, new WebSocketException("Message of " + bytes + " bytes is larger than the maximum send size of "
                + setup.config().maxSendSize() + " bytes."));
        return f;
    }

    /** Bytes of {@code text} in UTF-8, without encoding it (an unpaired surrogate counts 3: an upper bound). */
    static long utf8Length(CharSequence text) {
        long bytes = 0;
        for (int i = 0, n = text.length(); i < n; i++) {
            char ch = text.charAt(i);
            if (ch < 0x80) {
                bytes++;
            } else if (ch < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(ch) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private static int hint(Compression compression) {
        return switch (Objects.requireNonNull(compression, "compression")) {
            case DEFAULT -> Extension.ENCODE_DEFAULT;
            case ALWAYS -> Extension.ENCODE_COMPRESS;
            case NEVER -> Extension.ENCODE_DO_NOT_COMPRESS;
        };
    }

    @Override
    public CompletableFuture<Void> sendBinary(byte[] data) {
        return sendBinary(ByteBuffer.wrap(Objects.requireNonNull(data, "data")));
    }

    /**
     * Sends a message shared by many connections (broadcast): encoded once by the caller and,
     * where this connection's permessage-deflate allows a standalone-compressed message,
     * compressed once for all of them.
     */
    CompletableFuture<Void> sendShared(SharedMessage message) {
        if (tooLarge(message.payload.remaining())) {
            return sendRefused(message.payload.remaining());
        }
        return submit(message.payload.remaining(), WHOLE, e -> {
            boolean text = message.opcode == WireFormat.OPCODE_TEXT;
            int size = message.payload.remaining();
            boolean sent;
            if (e instanceof WebSocketProtocol p) {
                PerMessageDeflateExtension deflate = p.extension(PerMessageDeflateExtension.class);
                ByteBuffer compressed = null;
                if (deflate != null && size >= deflate.compressionThreshold()) {
                    compressed = message.compressed(deflate.compressionLevel(), deflate.sharedCompressedWindowBits());
                }
                if (compressed != null) {
                    sent = p.sendEncoded(message.opcode, WireFormat.B0_FLAG_RSV1, compressed, size);
                    deflate.afterSharedCompressedMessage();
                } else if (deflate != null) {
                    sent = p.sendMessage(message.opcode, message.payload.duplicate());
                } else {
                    sent = p.sendEncoded(message.opcode, 0, message.payload.duplicate(), size);
                }
            } else {
                sent = text && e.sendText(StandardCharsets.UTF_8.decode(message.payload.duplicate()));
            }
            if (sent) {
                messageSent(text, e, size);
            }
            return sent;
        });
    }

    @Override
    public CompletableFuture<Void> ping(ByteBuffer data) {
        ByteBuffer view = controlPayload(data);
        return submit(view.remaining(), CONTROL, e -> e.sendPing(view));
    }

    @Override
    public CompletableFuture<Void> pong(ByteBuffer data) {
        ByteBuffer view = controlPayload(data);
        return submit(view.remaining(), CONTROL, e -> e.sendPong(view));
    }

    private static ByteBuffer controlPayload(ByteBuffer data) {
        ByteBuffer view = LentBuffers.keepable(Objects.requireNonNull(data, "data"));
        if (view.remaining() > WireFormat.CONTROL_PAYLOAD_MAX) {
            throw new IllegalArgumentException("Control frame payload longer than 125 bytes.");
        }
        return view;
    }

    @Override
    public CompletableFuture<Void> close() {
        return close(CloseCodes.WS_OK, "");
    }

    @Override
    public CompletableFuture<Void> close(int code, String reason) {
        String text = reason == null ? "" : reason;
        if (!CloseCodes.isValidForApplication(code)) {
            throw new IllegalArgumentException("Close code " + code + " may not be sent.");
        }
        if (text.getBytes(StandardCharsets.UTF_8).length > WireFormat.CONTROL_PAYLOAD_MAX - 2) {
            throw new IllegalArgumentException("Close reason longer than 123 UTF-8 bytes.");
        }
        open = false; // CLOSING from the caller's view at once; the loop sends the close frame
        return closeWith(code, text, CloseCause.LOCAL_CLOSE);
    }

    /** Starts the close handshake with a cause; a no-op when a close frame was already sent. */
    public CompletableFuture<Void> closeWith(int code, String reason, CloseCause why) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        runOnLoop(f, () -> {
            if (engine == null || finished || engine.closeSent()) {
                f.complete(null);
                return;
            }
            if (cause == null) {
                cause = why;
            }
            if (!engine.closeReceived()) {
                locallyInitiated = true;
            }
            open = false;
            engine.sendClose(code, WebSocketProtocol.truncateReason(reason));
            failHeldSends("Connection is closing.");
            if (flow != null && flow.reasons != 0) {
                // The peer's answer to our close must be read: whatever paused reading, it ends here.
                flow.holds = null;
                resumeFor(flow.reasons);
            }
            transport.completeAfterQueued(f);
            transport.flushSoon();
            armCloseTimer();
        });
        return f;
    }

    @Override
    public void abort() {
        runOnLoop(null, () -> {
            if (cause == null) {
                cause = CloseCause.LOCAL_CLOSE;
                locallyInitiated = true;
            }
            transport.close(null);
        });
    }

    private CompletableFuture<Void> submit(long size, int kind, Send send) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        // A part is checked on the loop, where it is known whether it starts a message.
        if (kind == WHOLE && bufferedAmount() >= setup.config().backpressureLimit()) {
            overLimit(f);
            return f;
        }
        if (transport.loop().inLoop()) {
            performInOrder(send, f, kind, size);
        } else {
            PENDING_BYTES.addAndGet(this, size);
            try {
                transport.loop().execute(() -> {
                    PENDING_BYTES.addAndGet(this, -size);
                    performInOrder(send, f, kind, size);
                });
            } catch (RejectedExecutionException e) {
                PENDING_BYTES.addAndGet(this, -size);
                sendFailed(f, stopped(e));
            }
        }
        return f;
    }

    /**
     * Runs {@code task} on the loop (at once when called there). When the loop has stopped (the
     * server or client was shut down) {@code f}, if any, fails at once instead of never completing.
     */
    private void runOnLoop(CompletableFuture<Void> f, Runnable task) {
        try {
            transport.loop().run(task);
        } catch (RejectedExecutionException e) {
            if (f != null) {
                f.completeExceptionally(stopped(e));
            }
        }
    }

    private WebSocketException stopped(RejectedExecutionException e) {
        return new WebSocketException("Connection is closed: its " + setup.side().tag() + " has been stopped.", e);
    }

    /**
     * Performs a send on the loop, unless it is a whole message and a message is being sent in
     * parts: then it waits, counted in {@link #bufferedAmount()}, until that message's last part.
     */
    private void performInOrder(Send send, CompletableFuture<Void> f, int kind, long size) {
        if (kind == PART && !partWithinLimit(f)) {
            return;
        }
        if (kind == WHOLE && (flow != null && flow.heldSends != null || engine != null && engine.sendingParts())
                && !finished) {
            FlowState state = flow();
            if (state.heldSends == null) {
                state.heldSends = new java.util.ArrayDeque<>();
            }
            state.heldSends.add(new HeldSend(send, f, size));
            PENDING_BYTES.addAndGet(this, size);
            return;
        }
        perform(send, f);
        if (kind == PART && flow != null && flow.heldSends != null && !engine.sendingParts()) {
            releaseHeldSends();
        }
    }

    /**
     * The backpressure limit for a part: the first part of a message is refused like a whole
     * message; a later part is not (a message already begun cannot be taken back, and a gap would
     * corrupt it) up to twice the limit, past which the connection closes as the CLOSE policy does:
     * a sender that ignores its futures cannot grow the queue without bound. Loop only.
     */
    private boolean partWithinLimit(CompletableFuture<Void> f) {
        long limit = setup.config().backpressureLimit();
        boolean continuing = engine != null && engine.sendingParts();
        // What waits for the socket; not the parts submitted behind this one (a stream submits a
        // few ahead), which would refuse the first part of a message for its own later parts.
        long buffered = transport.queuedBytes();
        if (!continuing && buffered >= limit) {
            overLimit(f);
            return false;
        }
        if (continuing && buffered >= 2 * limit) {
            closeWith(CloseCodes.WS_FORBIDDEN, "Backpressure limit exceeded.", CloseCause.BACKPRESSURE);
            sendFailed(f, new BackpressureException("Backpressure limit of " + limit
                    + " bytes exceeded twice over in the middle of a message in parts: the connection closes."));
            return false;
        }
        return true;
    }

    /** The message in parts is complete: the whole messages that waited go out, in order. Loop only. */
    private void releaseHeldSends() {
        java.util.ArrayDeque<HeldSend> held = flow.heldSends;
        flow.heldSends = null;
        for (HeldSend h : held) {
            PENDING_BYTES.addAndGet(this, -h.size());
            perform(h.send(), h.future());
        }
    }

    /**
     * The held whole messages will never go out (closing, closed): their futures fail with
     * {@code why}, an exception made only if there are any. Loop only.
     */
    private void failHeldSends(String why) {
        java.util.ArrayDeque<HeldSend> held = flow == null ? null : flow.heldSends;
        if (flow != null) {
            flow.heldSends = null;
        }
        if (held != null && !held.isEmpty()) {
            WebSocketException failure = new WebSocketException(why);
            for (HeldSend h : held) {
                PENDING_BYTES.addAndGet(this, -h.size());
                sendFailed(h.future(), failure);
            }
        }
    }

    private void perform(Send send, CompletableFuture<Void> f) {
        if (engine == null || finished || transport.isClosed()) {
            sendFailed(f, new WebSocketException("Connection is closed."));
            return;
        }
        boolean sent;
        try {
            sent = send.run(engine);
        } catch (RuntimeException e) {
            sendFailed(f, e);
            return;
        }
        if (!sent) {
            sendFailed(f, new WebSocketException("Connection is closing."));
            return;
        }
        transport.completeAfterQueued(f);
        transport.flushSoon();
        watchCompressionContext();
    }

    /**
     * After a send: a compressor context this connection now holds is watched, and freed once
     * the connection has compressed nothing for the endpoint's compressionIdleRelease. Loop only.
     */
    private void watchCompressionContext() {
        if (setup.config().compressionIdleRelease().isZero()) {
            return; // never released: no timer holder to make, no extension to look up per send
        }
        if ((timers == null || !timers.watchingCompression()) && engine instanceof WebSocketProtocol p) {
            PerMessageDeflateExtension deflate = p.extension(PerMessageDeflateExtension.class);
            if (deflate != null && deflate.holdsOwnCompressor()) {
                timers().watchCompression(deflate);
            }
        }
    }

    private void overLimit(CompletableFuture<Void> f) {
        BackpressureException e = new BackpressureException(
                "Backpressure limit of " + setup.config().backpressureLimit() + " bytes reached.");
        if (setup.config().backpressurePolicy() == BackpressurePolicy.CLOSE) {
            closeWith(CloseCodes.WS_FORBIDDEN, "Backpressure limit exceeded.", CloseCause.BACKPRESSURE);
        }
        sendFailed(f, e);
    }

    private void sendFailed(CompletableFuture<Void> f, Throwable e) {
        setup.listeners().onSendFailed(this, e);
        f.completeExceptionally(e);
    }

    private void messageSent(boolean text, ProtocolEngine e, int fallbackSize) {
        if (setup.listeners().isEmpty()) {
            return;
        }
        int bytes = fallbackSize;
        int wire = fallbackSize;
        if (e instanceof WebSocketProtocol p) {
            bytes = p.lastSentBytes();
            wire = p.lastSentWireBytes();
        }
        setup.listeners().onMessageSent(this, text, bytes, wire);
    }

    // ------------------------------------------------------------------ engine events

    @Override
    public void onText(String text) {
        if (!setup.listeners().isEmpty()) {
            // the size a metric wants is the UTF-8 payload, not the count of chars
            int bytes = engine instanceof WebSocketProtocol p ? p.lastReceivedBytes() : text.length();
            setup.listeners().onMessageReceived(this, true, bytes);
        }
        if (setup.handlerTakesParts()) {
            dispatch(() -> setup.handler().onTextPart(this, text, true), 2L * text.length());
            return;
        }
        dispatch(() -> setup.handler().onText(this, text), 2L * text.length());
    }

    @Override
    public void onTextPart(String part, boolean last) {
        if (last && !setup.listeners().isEmpty()) {
            setup.listeners().onMessageReceived(this, true, ((WebSocketProtocol) engine).lastReceivedBytes());
        }
        dispatch(() -> setup.handler().onTextPart(this, part, last), 2L * part.length());
    }

    @Override
    public void onBinaryPart(ByteBuffer part, boolean last) {
        if (last && !setup.listeners().isEmpty()) {
            setup.listeners().onMessageReceived(this, false, ((WebSocketProtocol) engine).lastReceivedBytes());
        }
        if (dispatcher == null) {
            deliverLent(last ? LENT_LAST_PART : LENT_PART, part);
            return;
        }
        ByteBuffer copy = LentBuffers.copy(part);
        dispatch(() -> setup.handler().onBinaryPart(this, copy, last), copy.remaining());
    }

    @Override
    public void onBinary(ByteBuffer data) {
        setup.listeners().onMessageReceived(this, false, data.remaining());
        if (setup.handlerTakesParts()) {
            // an engine that delivers whole messages only (hixie-76): one message, one last part
            onBinaryPart(data, true);
            return;
        }
        if (dispatcher == null) {
            deliverLent(LENT_BINARY, data);
            return;
        }
        ByteBuffer message = LentBuffers.copy(data);
        dispatch(() -> setup.handler().onBinary(this, message), message.remaining());
    }

    @Override
    public void onPing(ByteBuffer data) {
        if (dispatcher == null) {
            deliverLent(LENT_PING, data);
            return;
        }
        ByteBuffer payload = LentBuffers.copy(data);
        dispatch(() -> setup.handler().onPing(this, payload), payload.remaining());
    }

    @Override
    public void onPong(ByteBuffer data) {
        long rtt = timers == null ? -1 : timers.pongArrived();
        if (rtt >= 0) {
            setup.listeners().onPingRoundTrip(this, rtt);
        }
        if (dispatcher == null) {
            deliverLent(LENT_PONG, data);
            return;
        }
        ByteBuffer payload = LentBuffers.copy(data);
        dispatch(() -> setup.handler().onPong(this, payload), payload.remaining());
    }

    @Override
    public void onCloseFrame(int code, String reason) {
        open = false;
        if (cause == null) {
            cause = CloseCause.PEER_CLOSED;
        }
        dispatch(() -> setup.handler().onClosing(this, code, reason));
        // A client waits for the server to close TCP (RFC 6455 section 7.1.1), but not forever.
        armCloseTimer();
    }

    @Override
    public void onProtocolError(ProtocolException error) {
        open = false;
        if (cause == null) {
            cause = CloseCause.PROTOCOL_ERROR;
        }
        if (!engine.closeReceived()) {
            locallyInitiated = true;
        }
        armCloseTimer();
        dispatch(() -> setup.handler().onError(this, error));
    }

    // ------------------------------------------------------------------ transport

    @Override
    public void write(ByteBuffer bytes) {
        transport.write(bytes);
    }

    @Override
    public boolean congested() {
        boolean congested = transport.queuedBytes() >= CONGESTED_BYTES
                || transport.queueLength() >= CONGESTED_BUFFERS;
        if (congested && !drainAwaited) {
            // The engine will owe a pong: send it once what is queued now has been written.
            drainAwaited = true;
            CompletableFuture<Void> drained = new CompletableFuture<>();
            transport.completeAfterQueued(drained);
            drained.whenComplete((v, e) -> transport.loop().execute(this::sendOwedPong));
        }
        return congested;
    }

    private void sendOwedPong() {
        drainAwaited = false;
        if (!finished && engine instanceof WebSocketProtocol p && p.sendOwedPong()) {
            transport.flushSoon();
        }
    }

    @Override
    public void closeTransport() {
        transport.shutdownOutputAfterFlush();
        armCloseTimer();
    }

    @Override
    public void closeTransportAfterFailure() {
        transport.lingerAfterFlush();
        armCloseTimer();
    }

    @Override
    public void onConnected() {
        // the handshake already happened
    }

    @Override
    public void onData(ByteBuffer data) {
        ConnectionTimers t = timers;
        if (t != null) {
            t.bytesArrived(); // (the idle timer is the only reader: without timers, no clock read per read)
        }
        FlowState p = flow;
        if (p != null && p.heldInput != null) {
            // Paused: what arrives after held bytes (the rest of a TLS read) waits behind them.
            p.heldInput = LentBuffers.append(p.heldInput, data);
            return;
        }
        engine.receive(data);
        if (data.hasRemaining()) {
            // Reading was paused during a handler call: keep the rest (a copy: the buffer is the
            // loop's and the next read reuses it).
            flow().heldInput = LentBuffers.copy(data);
            data.position(data.limit());
        }
    }

    // ------------------------------------------------------------------ inbound flow control

    /** {@link FlowState#reasons}: the application called pauseReading(). */
    static final int PAUSED_BY_APPLICATION = 1;
    /** {@link FlowState#reasons}: the handler executor has too many events waiting (HandlerDispatcher). */
    static final int PAUSED_BY_BACKLOG = 2;
    /** {@link FlowState#reasons}: a message stream whose reader is behind holds reading (see {@link #holdReading}). */
    static final int PAUSED_BY_HOLDS = 4;

    @Override
    public void pauseReading() {
        runOnLoop(null, () -> pauseFor(PAUSED_BY_APPLICATION));
    }

    @Override
    public void resumeReading() {
        runOnLoop(null, () -> resumeFor(PAUSED_BY_APPLICATION));
    }

    /**
     * Holds reading while {@code holder} wants it (a message stream whose reader fell behind): the
     * task reads {@code wanted} when it runs on the loop, so the holder's latest wish wins whatever
     * the order its calls arrive in. Holders do not undo each other or the application's pause.
     * Any thread.
     */
    void holdReading(Object holder, java.util.function.BooleanSupplier wanted) {
        runOnLoop(null, () -> {
            if (finished) {
                return;
            }
            if (wanted.getAsBoolean()) {
                flow().hold(holder);
                pauseFor(PAUSED_BY_HOLDS);
            } else if (flow != null && flow.release(holder)) {
                resumeFor(PAUSED_BY_HOLDS);
            }
        });
    }

    /**
     * Stops delivering (the engine stops after the current event and the rest of the read is held)
     * and reading, for one more reason. Loop only.
     */
    void pauseFor(int reason) {
        FlowState p = flow();
        int before = p.reasons;
        p.reasons = before | reason;
        if (reason == PAUSED_BY_APPLICATION) {
            readingPaused = true;
        }
        if (before == 0 && !finished) {
            engine.pauseReceiving();
            transport.pauseReads(Transport.PAUSED_BY_APPLICATION, true);
        }
    }

    /** Drops one reason to pause; the last one gone, what was held is delivered and reading resumes. Loop only. */
    void resumeFor(int reason) {
        FlowState p = flow;
        if (p == null) {
            return;
        }
        int before = p.reasons;
        p.reasons = before & ~reason;
        if (reason == PAUSED_BY_APPLICATION) {
            readingPaused = false;
        }
        if (before == 0 || p.reasons != 0 || finished) {
            return;
        }
        if (timers != null) {
            timers.bytesArrived(); // the idle time counts from here, not from the pause
        }
        engine.resumeReceiving();
        ByteBuffer held = p.heldInput;
        if (held != null) {
            p.heldInput = null;
            engine.receive(held);
            if (held.hasRemaining()) {
                p.heldInput = held; // paused again by a handler: the rest stays
            } else if (p.eofAfterHeldInput) {
                p.eofAfterHeldInput = false;
                onEof();
            }
            transport.flushSoon();
        }
        if (p.reasons == 0 && !finished) {
            transport.pauseReads(Transport.PAUSED_BY_APPLICATION, false);
        }
    }

    /** The held-flow state, made when first needed. Loop only. */
    private FlowState flow() {
        if (flow == null) {
            flow = new FlowState();
        }
        return flow;
    }

    /** Whether delivery is paused for any reason (the timers do not count it as idleness). Loop only. */
    boolean readsHeld() {
        return flow != null && flow.reasons != 0;
    }

    @Override
    public boolean isReadingPaused() {
        return readingPaused;
    }

    @Override
    public void onEof() {
        if (flow != null && flow.heldInput != null) {
            flow.eofAfterHeldInput = true; // after what was received before it
            return;
        }
        open = false;
        if (cause == null && !engine.closeReceived()) {
            cause = CloseCause.ABNORMAL; // the stream ended without a close handshake, however it ends now
        }
        engine.receiveEof();
        transport.shutdownOutputAfterFlush();
        // What is left is to write what is queued and our end of the stream (TLS: close_notify,
        // RFC 8446 section 6.1): a peer that ended its side and reads no more must not hold the
        // connection open forever. The close timeout bounds it, as after a Close (RFC 6455 7.1.1).
        armCloseTimer();
    }

    @Override
    public void onClosed(Throwable error) {
        finish(error);
    }

    private void finish(Throwable error) {
        if (finished) {
            return;
        }
        finished = true;
        ended = true;
        open = false;
        if (flow != null) {
            flow.heldInput = null;
        }
        failHeldSends("Connection is closed.");
        cancelTimers();
        engine.receiveEof();
        int code = engine.closeCode();
        String reason = engine.closeReason();
        CloseCause why = cause;
        if (why == null) {
            why = engine.closeReceived() ? CloseCause.PEER_CLOSED : CloseCause.ABNORMAL;
        }
        cause = why;
        setup.listeners().onClose(this, code, why, locallyInitiated);
        if (setup.owner() != null) {
            setup.owner().connectionFinished(this);
        }
        if (error != null && !(error instanceof ClosedChannelException) && why == CloseCause.ABNORMAL) {
            dispatch(() -> setup.handler().onError(this, error));
        }
        dispatch(() -> setup.handler().onClose(this, code, reason));
    }

    // ------------------------------------------------------------------ timers

    /** The connection's timers, created when the first is armed. Loop only (but for the constructor). */
    private ConnectionTimers timers() {
        if (timers == null) {
            timers = new ConnectionTimers(this, setup.config());
        }
        return timers;
    }

    private void armTimers() {
        if (!setup.config().idleTimeout().isZero() || !setup.config().pingInterval().isZero() || timers != null) {
            timers().armAtOpen();
        }
    }

    private void armCloseTimer() {
        if (!finished) {
            timers().armClose();
        }
    }

    private void cancelTimers() {
        if (timers != null) {
            timers.cancelAll();
        }
    }

    /** Sends a keepalive ping; false when the engine refused it (closing). Loop only. */
    boolean sendKeepalivePing(ByteBuffer payload) {
        if (!(engine instanceof WebSocketProtocol) || !engine.sendPing(payload)) {
            // hixie-76 has no ping frame: keepalive does not apply to it
            return false;
        }
        transport.flushSoon();
        return true;
    }

    /** The close timeout ran out: the connection ends now. Loop only. */
    void closeTimedOut() {
        if (cause == null) {
            cause = CloseCause.CLOSE_TIMEOUT;
        }
        transport.close(null);
    }

    // ------------------------------------------------------------------ handler dispatch

    private void dispatch(Runnable call) {
        dispatch(call, 0);
    }

    /** Runs a handler call on the loop, or hands it to the executor. Loop thread only. */
    private void dispatch(Runnable call, long payloadBytes) {
        if (dispatcher == null) {
            runGuarded(call);
        } else {
            dispatcher.dispatch(call, payloadBytes);
        }
    }

    /** What {@link #deliverLent} calls. */
    private static final int LENT_BINARY = 0;
    private static final int LENT_PART = 1;
    private static final int LENT_LAST_PART = 2;
    private static final int LENT_PING = 3;
    private static final int LENT_PONG = 4;

    /**
     * Calls the handler on the loop with a buffer of the loop's own: lent for the call (see
     * {@link LentBuffers}). A switch rather than a lambda: no allocation per message.
     */
    private void deliverLent(int what, ByteBuffer data) {
        EventLoop loop = transport.loop();
        loop.beginLending();
        try {
            switch (what) {
                case LENT_BINARY -> setup.handler().onBinary(this, data);
                case LENT_PART -> setup.handler().onBinaryPart(this, data, false);
                case LENT_LAST_PART -> setup.handler().onBinaryPart(this, data, true);
                case LENT_PING -> setup.handler().onPing(this, data);
                default -> setup.handler().onPong(this, data);
            }
        } catch (Throwable t) {
            handlerFailed(t);
        } finally {
            loop.endLending();
        }
    }

    /** Runs a handler call; one that throws closes this connection (see handlerFailed). */
    void runGuarded(Runnable call) {
        try {
            call.run();
        } catch (Throwable t) {
            handlerFailed(t);
        }
    }

    /** A handler threw: close this connection only, with 1011, and tell the handler. */
    private void handlerFailed(Throwable t) {
        LOG.log(Level.DEBUG, () -> "handler of " + id() + " threw", t);
        closeWith(CloseCodes.WS_INTERNAL_SERVER_ERROR, "Internal error.", CloseCause.HANDLER_ERROR);
        try {
            setup.handler().onError(this, t);
        } catch (Throwable again) {
            LOG.log(Level.WARNING, "onError of " + id() + " threw", again);
        }
    }

    // ------------------------------------------------------------------ accessors

    @Override
    public String id() {
        return (setup.side() == Side.SERVER ? "s-" : "c-") + idNumber;
    }

    /** The number in {@link #id()}. */
    long idNumber() {
        return idNumber;
    }

    /** Whether the connection has ended (its close is done and reported). Any thread. */
    boolean hasFinished() {
        return ended;
    }

    /** Whether {@code owner} is told when this connection ends: whose connection it is. Any thread. */
    boolean reportsTo(ConnectionOwner owner) {
        return setup.owner() == owner;
    }

    @Override
    public String userId() {
        ConnectionExtras x = extras;
        return x == null ? null : x.userId;
    }

    @Override
    public java.security.Principal principal() {
        ConnectionExtras x = extras;
        return x == null ? null : x.principal;
    }

    @Override
    public HandshakeResponse handshakeResponse() {
        // a client's request view keeps it (no field on every connection)
        ConnectionExtras x = extras;
        return x == null || x.clientRequest == null ? null : x.clientRequest.response();
    }

    @Override
    public boolean subscribe(String topic) {
        Objects.requireNonNull(topic, "topic");
        if (setup.side() != Side.SERVER || setup.owner() == null) {
            throw new UnsupportedOperationException("Topics are a server's: a client connection has none.");
        }
        return setup.owner().subscribe(this, topic);
    }

    @Override
    public CompletableFuture<dev.seed.websocket.SubscribeResult> subscribe(String topic,
            dev.seed.websocket.SubscribeOptions options) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(options, "options");
        if (setup.side() != Side.SERVER || setup.owner() == null) {
            throw new UnsupportedOperationException("Topics are a server's: a client connection has none.");
        }
        return setup.owner().subscribe(this, topic, options);
    }

    @Override
    public void unsubscribe(String topic) {
        Objects.requireNonNull(topic, "topic");
        if (setup.owner() != null && setup.side() == Side.SERVER) {
            setup.owner().unsubscribe(this, topic);
        }
    }

    @Override
    public Duration idleTimeout() {
        ConnectionTimers t = timers;
        return t == null ? setup.config().idleTimeout() : t.idleTimeout();
    }

    @Override
    public void idleTimeout(Duration timeout) {
        if (Objects.requireNonNull(timeout, "timeout").isNegative()) {
            throw new IllegalArgumentException("idleTimeout must not be negative: " + timeout);
        }
        runOnLoop(null, () -> {
            if (!finished) {
                timers().idleTimeout(timeout);
            }
        });
    }

    @Override
    public long maxMessageSize() {
        ProtocolEngine e = engine;
        return e == null ? setup.config().protocol().maxMessageSize() : e.maxMessageSize();
    }

    @Override
    public void maxMessageSize(long bytes) {
        if (bytes <= 0 || bytes > Integer.MAX_VALUE - 8) {
            // a message received whole is assembled in one array
            throw new IllegalArgumentException("maxMessageSize must be between 1 and 2^31 - 9: " + bytes);
        }
        runOnLoop(null, () -> {
            if (!finished) {
                engine.maxMessageSize(bytes);
            }
        });
    }

    /** The extras, made when first needed. Any thread. */
    ConnectionExtras extras() {
        ConnectionExtras x = extras;
        if (x == null) {
            synchronized (this) {
                x = extras;
                if (x == null) {
                    x = new ConnectionExtras(null, null, Map.of(), null);
                    extras = x;
                }
            }
        }
        return x;
    }

    /** Records a topic subscription (see ServerRuntime#subscribe). Any thread. */
    synchronized void joinedTopic(String topic) {
        ConnectionExtras x = extras();
        String[] t = x.topics;
        if (t == null) {
            x.topics = new String[] {topic};
            return;
        }
        for (String s : t) {
            if (s.equals(topic)) {
                return;
            }
        }
        String[] more = Arrays.copyOf(t, t.length + 1);
        more[t.length] = topic;
        x.topics = more;
    }

    synchronized void leftTopic(String topic) {
        ConnectionExtras x = extras;
        String[] t = x == null ? null : x.topics;
        if (t == null) {
            return;
        }
        for (int i = 0; i < t.length; i++) {
            if (t[i].equals(topic)) {
                if (t.length == 1) {
                    x.topics = null;
                } else {
                    String[] fewer = new String[t.length - 1];
                    System.arraycopy(t, 0, fewer, 0, i);
                    System.arraycopy(t, i + 1, fewer, i, t.length - i - 1);
                    x.topics = fewer;
                }
                return;
            }
        }
    }

    /** The topics this connection is subscribed to, which it forgets: it has ended. */
    synchronized List<String> takeTopics() {
        ConnectionExtras x = extras;
        String[] t = x == null ? null : x.topics;
        if (x != null) {
            x.topics = null;
        }
        return t == null ? List.of() : Arrays.asList(t);
    }

    /** Which end this connection is. */
    public Side side() {
        return setup.side();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public State state() {
        return ended ? State.CLOSED : open ? State.OPEN : State.CLOSING;
    }

    @Override
    public long bufferedAmount() {
        return transport.queuedBytes() + pendingBytes;
    }

    @Override
    public String subprotocol() {
        return subprotocol;
    }

    @Override
    public List<String> extensions() {
        // the engine's extensions, named as the handshake answer named them (no list kept per connection)
        if (!(engine instanceof WebSocketProtocol p)) {
            return List.of();
        }
        return p.extensions().stream().map(e -> e.parameters().toString()).toList();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) transport.remoteAddress();
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) transport.localAddress();
    }

    @Override
    public javax.net.ssl.SSLSession tlsSession() {
        return transport.tlsSession();
    }

    @Override
    public boolean isSecure() {
        return transport.secure();
    }

    @Override
    public String routeTemplate() {
        Router.Route route = setup.route();
        return route == null ? null : route.path().pattern();
    }

    @Override
    public HandshakeRequest request() {
        ConnectionExtras x = extras;
        if (retainedHead == null) {
            return x == null ? null : x.clientRequest;
        }
        return x == null ? new RetainedHandshakeRequest(retainedHead, setup.route(), remoteAddress(), null, Map.of())
                : new RetainedHandshakeRequest(retainedHead, setup.route(), remoteAddress(), x.principal, x.pathVariables);
    }

    @Override
    public String pathVariable(String name) {
        ConnectionExtras x = extras; // (no request view: handlers may ask per message)
        return x == null ? null : x.pathVariables.get(name);
    }

    @Override
    public Map<String, Object> attributes() {
        ConnectionExtras x = extras();
        Map<String, Object> a = x.attributes;
        if (a == null) {
            synchronized (this) {
                a = x.attributes;
                if (a == null) {
                    a = new ConcurrentHashMap<>();
                    x.attributes = a;
                }
            }
        }
        return a;
    }

    @Override
    public CloseCause closeCause() {
        return ended || !open ? cause : null;
    }

    @Override
    public Duration roundTripTime() {
        ConnectionTimers t = timers;
        long rtt = t == null ? 0 : t.roundTripNanos();
        return rtt <= 0 ? null : Duration.ofNanos(rtt);
    }

    @Override
    public void execute(Runnable task) {
        transport.loop().execute(task); // RejectedExecutionException once the loop has stopped
    }

    @Override
    public ScheduledTask schedule(Runnable task, Duration delay) {
        Objects.requireNonNull(task, "task");
        long nanos = Objects.requireNonNull(delay, "delay").toNanos();
        ConnectionTask t = new ConnectionTask(this, task);
        if (ended) {
            return t.cancelled();
        }
        try {
            transport.loop().run(() -> {
                if (finished) {
                    t.cancelled();
                    return;
                }
                timers().add(t, nanos);
            });
        } catch (RejectedExecutionException e) {
            return t.cancelled();
        }
        return t;
    }

    /** A scheduled task's time has come (it was not cancelled). On the loop. */
    void runScheduled(ConnectionTask t, Runnable task) {
        forgetScheduled(t);
        if (!finished) {
            runGuarded(task);
        }
    }

    /** A scheduled task ran or was cancelled: the connection keeps no reference. On the loop. */
    void forgetScheduled(ConnectionTask t) {
        if (timers != null) {
            timers.remove(t);
        }
    }

    @Override
    public String toString() {
        return "WebSocketConnection[" + id() + " " + setup.side().tag() + " " + remoteAddress() + "]";
    }
}
