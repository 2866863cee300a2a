package dev.seed.websocket.internal;

import dev.seed.websocket.BackpressureException;
import dev.seed.websocket.CloseCause;
import dev.seed.websocket.CloseCodes;
import dev.seed.websocket.ConnectOptions;
import dev.seed.websocket.HandshakeFailedException;
import dev.seed.websocket.ReconnectListener;
import dev.seed.websocket.ReconnectPolicy;
import dev.seed.websocket.ReconnectingConnection;
import dev.seed.websocket.WebSocketConnection;
import dev.seed.websocket.WebSocketException;
import dev.seed.websocket.WebSocketHandler;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * A {@link ReconnectingConnection}: serves one application handler through successive connections
 * and queues what is sent between them. The state, the current connection and the queue are
 * guarded by {@link #lock}; user code (handler, listener) is never called with it held. Thread safe.
 */
final class ReconnectingSession implements ReconnectingConnection {

    private static final System.Logger LOG = System.getLogger(ReconnectingSession.class.getName());

    private final ClientRuntime client;
    private final URI uri;
    private final ConnectOptions options;
    private final WebSocketHandler delegate;
    private final ReconnectPolicy policy;
    private final ReconnectListener listener;
    private final CompletableFuture<WebSocketConnection> connected = new CompletableFuture<>();
    private final CompletableFuture<Ending> closed = new CompletableFuture<>();
    private final WebSocketHandler handler = new Handler();

    private final Object lock = new Object();
    /** Guarded by lock. */
    private State state = State.CONNECTING;
    /** The open connection, or null. Guarded by lock. */
    private WebSocketConnection current;
    /** Sends waiting for a connection, in order. Guarded by lock. */
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    /** Bytes in {@link #queue} (chars count two). Guarded by lock. */
    private long queuedBytes;
    /** Attempts started since the last open (the one under way included). Guarded by lock. */
    private int attempt;
    /** Whether the application asked to close. Guarded by lock. */
    private boolean closeRequested;
    /** A connection that opened after the handle ended: closed at once, never shown to the handler. */
    private volatile WebSocketConnection unannounced;

    /** A send waiting for a connection: text or binary. */
    private record Queued(String text, ByteBuffer binary, long size, CompletableFuture<Void> future) {
    }

    ReconnectingSession(ClientRuntime client, URI uri, ConnectOptions options, WebSocketHandler delegate,
            ReconnectPolicy policy) {
        this.client = client;
        this.uri = uri;
        this.options = options;
        this.delegate = delegate;
        this.policy = policy;
        this.listener = options.reconnectListener();
    }

    /** The client is closing: the handle ends, whatever attempt it waits for (its loop stops). */
    void clientClosed() {
        end(new Ending(Reason.CLIENT_CLOSED, CloseCodes.WS_GONE, 0, null));
    }

    /** Makes the first attempt. */
    void start() {
        synchronized (lock) {
            attempt = 1;
        }
        attemptNow();
    }

    private void attemptNow() {
        CompletableFuture<WebSocketConnection> next = new CompletableFuture<>();
        next.whenComplete((c, e) -> {
            if (e != null) {
                attemptFailed(e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                        ? e.getCause() : e);
            }
        });
        client.connect(uri, options, handler, next, options.maxRedirects());
    }

    /** An attempt failed (refused, timed out, no route): another follows, or the handle ends. */
    private void attemptFailed(Throwable failure) {
        int status = failure instanceof HandshakeFailedException refused ? refused.status() : 0;
        int failed;
        synchronized (lock) {
            if (state == State.CLOSED) {
                return;
            }
            failed = attempt;
        }
        boolean refusedForGood = status >= 400 && status < 500 && status != 408 && status != 429;
        if (closeRequestedOrClientClosed(CloseCodes.WS_CLOSED_ABNORMALLY, status, failure)) {
            return;
        }
        if (policy.shouldRetryAfterFailedAttempt(status, failed)) {
            scheduleAttempt(failed + 1, CloseCodes.WS_CLOSED_ABNORMALLY, failure);
        } else {
            Reason why = refusedForGood ? Reason.REFUSED
                    : policy.maxAttempts() != 0 && failed >= policy.maxAttempts() ? Reason.MAX_ATTEMPTS : Reason.CONDITION;
            end(new Ending(why, CloseCodes.WS_CLOSED_ABNORMALLY, status, failure));
        }
    }

    /** The connection ended: the next attempt, or the end. */
    private void connectionClosed(WebSocketConnection c, int code) {
        int next;
        synchronized (lock) {
            if (current == c) {
                current = null;
            }
            if (state == State.CLOSED) {
                return;
            }
            next = attempt + 1;
        }
        if (client.isClosed()) {
            end(new Ending(Reason.CLIENT_CLOSED, code, 0, null));
            return;
        }
        if (c.closeCause() == CloseCause.LOCAL_CLOSE) {
            // The application closed the connection itself (on the handle or on the connection).
            end(new Ending(Reason.CLOSED_BY_APPLICATION, code, 0, null));
            return;
        }
        if (closeRequestedOrClientClosed(code, 0, null)) {
            return;
        }
        if (policy.shouldReconnect(code, next)) {
            scheduleAttempt(next, code, null);
            return;
        }
        Reason why = code == CloseCodes.WS_OK ? Reason.NORMAL_CLOSURE
                : policy.stopCodes().contains(code) ? Reason.STOP_CODE
                : policy.maxAttempts() != 0 && next > policy.maxAttempts() ? Reason.MAX_ATTEMPTS : Reason.CONDITION;
        end(new Ending(why, code, 0, null));
    }

    private boolean closeRequestedOrClientClosed(int code, int status, Throwable failure) {
        boolean requested;
        synchronized (lock) {
            requested = closeRequested;
        }
        if (requested) {
            end(new Ending(Reason.CLOSED_BY_APPLICATION, code, status, failure));
            return true;
        }
        if (client.isClosed()) {
            end(new Ending(Reason.CLIENT_CLOSED, code, status, failure));
            return true;
        }
        return false;
    }

    private void scheduleAttempt(int number, int code, Throwable failure) {
        Duration delay = policy.delay(number);
        synchronized (lock) {
            if (state == State.CLOSED) {
                return;
            }
            state = state == State.CONNECTING ? State.CONNECTING : State.RECONNECTING;
        }
        if (listener != null) {
            try {
                listener.onReconnecting(this, number, delay, code, failure);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "reconnect listener threw", e);
            }
        }
        try {
            client.anyLoop().scheduleFromAnyThread(() -> {
                synchronized (lock) {
                    if (state == State.CLOSED || closeRequested) {
                        return;
                    }
                    attempt = number;
                }
                attemptNow();
            }, delay.toNanos());
        } catch (RejectedExecutionException stopped) {
            end(new Ending(Reason.CLIENT_CLOSED, code, 0, failure));
        }
    }

    /** Ends the handle for good: queued sends fail, the futures complete, the listener hears it. */
    private void end(Ending ending) {
        List<Queued> dropped;
        synchronized (lock) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            current = null;
            dropped = new ArrayList<>(queue);
            queue.clear();
            queuedBytes = 0;
        }
        client.sessionEnded(this);
        WebSocketException gone = new WebSocketException("Connection ended: " + ending.reason() + ".");
        for (Queued q : dropped) {
            q.future().completeExceptionally(gone);
        }
        // The listener first: whoever waits on closed() sees what it recorded.
        if (listener != null && ending.reason() != Reason.CLOSED_BY_APPLICATION) {
            try {
                listener.onGaveUp(this, ending);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "reconnect listener threw", e);
            }
        }
        connected.completeExceptionally(gone);
        closed.complete(ending);
    }

    /**
     * A connection opened and its handler's onOpen ran: what waited goes out, in order, before
     * anything sent after this (a send sees OPEN only once the queue is submitted).
     */
    private void opened(WebSocketConnection c) {
        int attempts;
        boolean reconnected;
        List<Queued> flushed;
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        synchronized (lock) {
            reconnected = state == State.RECONNECTING;
            attempts = attempt;
            attempt = 0;
            current = c;
            state = State.OPEN;
            // Submitted under the lock, so that a send that sees OPEN goes after them; their
            // outcomes reach the application's futures after it is released.
            flushed = new ArrayList<>(queue);
            for (Queued q : flushed) {
                sends.add(q.text() != null ? c.sendText(q.text()) : c.sendBinary(q.binary()));
            }
            queue.clear();
            queuedBytes = 0;
        }
        for (int i = 0; i < flushed.size(); i++) {
            CompletableFuture<Void> target = flushed.get(i).future();
            sends.get(i).whenComplete((v, e) -> {
                if (e != null) {
                    target.completeExceptionally(e);
                } else {
                    target.complete(null);
                }
            });
        }
        if (reconnected && listener != null) {
            try {
                listener.onReconnected(this, c, attempts);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "reconnect listener threw", e);
            }
        }
        connected.complete(c);
    }

    // ------------------------------------------------------------------ the handle

    @Override
    public State state() {
        synchronized (lock) {
            return state;
        }
    }

    @Override
    public WebSocketConnection current() {
        synchronized (lock) {
            return current;
        }
    }

    @Override
    public CompletableFuture<WebSocketConnection> connected() {
        return connected;
    }

    @Override
    public CompletableFuture<Ending> closed() {
        return closed;
    }

    @Override
    public CompletableFuture<Void> sendText(CharSequence text) {
        String s = Objects.requireNonNull(text, "text").toString();
        return send(s, null, 2L * s.length());
    }

    @Override
    public CompletableFuture<Void> sendBinary(ByteBuffer data) {
        ByteBuffer b = LentBuffers.keepable(Objects.requireNonNull(data, "data"));
        return send(null, b, b.remaining());
    }

    private CompletableFuture<Void> send(String text, ByteBuffer binary, long size) {
        WebSocketConnection c;
        CompletableFuture<Void> f = new CompletableFuture<>();
        synchronized (lock) {
            c = state == State.OPEN ? current : null;
            if (c == null) {
                if (state == State.CLOSED) {
                    f.completeExceptionally(new WebSocketException("Connection ended."));
                } else if (queue.size() >= options.reconnectQueueMessages()
                        || queuedBytes + size > options.reconnectQueueBytes()) {
                    f.completeExceptionally(new BackpressureException("Reconnect queue full ("
                            + options.reconnectQueueMessages() + " messages, " + options.reconnectQueueBytes()
                            + " bytes)."));
                } else {
                    queue.add(new Queued(text, binary, size, f));
                    queuedBytes += size;
                }
                return f;
            }
        }
        return text != null ? c.sendText(text) : c.sendBinary(binary);
    }

    @Override
    public int queuedMessages() {
        synchronized (lock) {
            return queue.size();
        }
    }

    @Override
    public CompletableFuture<Void> close(int code, String reason) {
        if (!CloseCodes.isValidForApplication(code)) {
            throw new IllegalArgumentException("Close code " + code + " may not be sent.");
        }
        WebSocketConnection c;
        synchronized (lock) {
            if (state == State.CLOSED) {
                return CompletableFuture.completedFuture(null);
            }
            closeRequested = true;
            c = current;
        }
        if (c != null) {
            return c.close(code, reason); // its onClose ends the handle
        }
        end(new Ending(Reason.CLOSED_BY_APPLICATION, code, 0, null));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public String toString() {
        return "ReconnectingConnection[" + uri + " " + state() + "]";
    }

    /** What each connection of the handle calls: the application's handler, plus the handle's bookkeeping. */
    private final class Handler implements WebSocketHandler {

        @Override
        public void onOpen(WebSocketConnection c) {
            synchronized (lock) {
                if (state == State.CLOSED || closeRequested) {
                    // an attempt that succeeded after the handle ended: the application never sees it
                    unannounced = c;
                }
            }
            if (unannounced == c) {
                c.close(CloseCodes.WS_OK, "");
                return;
            }
            try {
                delegate.onOpen(c);
            } finally {
                opened(c);
            }
        }

        @Override
        public boolean receivesParts() {
            return delegate.receivesParts();
        }

        @Override
        public boolean autoPong() {
            return delegate.autoPong();
        }

        @Override
        public void onText(WebSocketConnection c, String text) {
            delegate.onText(c, text);
        }

        @Override
        public void onBinary(WebSocketConnection c, ByteBuffer data) {
            delegate.onBinary(c, data);
        }

        @Override
        public void onTextPart(WebSocketConnection c, String part, boolean last) {
            delegate.onTextPart(c, part, last);
        }

        @Override
        public void onBinaryPart(WebSocketConnection c, ByteBuffer part, boolean last) {
            delegate.onBinaryPart(c, part, last);
        }

        @Override
        public void onPing(WebSocketConnection c, ByteBuffer data) {
            delegate.onPing(c, data);
        }

        @Override
        public void onPong(WebSocketConnection c, ByteBuffer data) {
            delegate.onPong(c, data);
        }

        @Override
        public void onClosing(WebSocketConnection c, int code, String reason) {
            delegate.onClosing(c, code, reason);
        }

        @Override
        public void onError(WebSocketConnection c, Throwable error) {
            delegate.onError(c, error);
        }

        @Override
        public void onClose(WebSocketConnection c, int code, String reason) {
            if (unannounced == c) {
                return;
            }
            try {
                delegate.onClose(c, code, reason);
            } finally {
                connectionClosed(c, code);
            }
        }
    }
}
