package dev.seed.websocket.internal;

import dev.seed.websocket.CloseCause;
import dev.seed.websocket.ConnectionListener;
import dev.seed.websocket.WebSocketConnection;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The connection listeners of one server or client, each call guarded: a listener that throws
 * (a metrics listener with a bug, say) is logged and counted, and neither the connection nor the
 * other listeners notice. The first failure of each listener is logged at WARNING, the rest at
 * DEBUG. Any {@link Throwable} is caught but a {@link VirtualMachineError}: a checked exception
 * too, which code in Kotlin or Groovy (or a "sneaky throw") can raise where Java sees none, and
 * which would otherwise reach the event loop and stop it. One instance per endpoint, shared by
 * its connections; no allocation per call. Thread safe.
 */
public final class ConnectionListeners {

    private static final System.Logger LOG = System.getLogger(ConnectionListeners.class.getName());
    private static final ConnectionListener[] NONE = new ConnectionListener[0];

    private final ConnectionListener[] listeners;
    /** Listener calls that threw. */
    private final AtomicLong failures = new AtomicLong();
    /** Listeners whose first failure was logged at WARNING. */
    private final Set<ConnectionListener> warned = ConcurrentHashMap.newKeySet();

    public ConnectionListeners(List<ConnectionListener> listeners) {
        this.listeners = listeners.toArray(NONE);
    }

    /** Whether there is no listener (callers skip work done only for listeners). */
    public boolean isEmpty() {
        return listeners.length == 0;
    }

    /** Listener calls that threw so far. */
    public long failures() {
        return failures.get();
    }

    void onOpen(WebSocketConnection c) {
        for (ConnectionListener l : listeners) {
            try {
                l.onOpen(c);
            } catch (Throwable e) {
                failed(l, "onOpen", e);
            }
        }
    }

    void onClose(WebSocketConnection c, int code, CloseCause cause, boolean locallyInitiated) {
        for (ConnectionListener l : listeners) {
            try {
                l.onClose(c, code, cause, locallyInitiated);
            } catch (Throwable e) {
                failed(l, "onClose", e);
            }
        }
    }

    void onHandshakeRefused(ConnectionListener.Side side, int status) {
        for (ConnectionListener l : listeners) {
            try {
                l.onHandshakeRefused(side, status);
            } catch (Throwable e) {
                failed(l, "onHandshakeRefused", e);
            }
        }
    }

    void onMessageReceived(WebSocketConnection c, boolean text, int bytes) {
        for (ConnectionListener l : listeners) {
            try {
                l.onMessageReceived(c, text, bytes);
            } catch (Throwable e) {
                failed(l, "onMessageReceived", e);
            }
        }
    }

    void onMessageSent(WebSocketConnection c, boolean text, int bytes, int wireBytes) {
        for (ConnectionListener l : listeners) {
            try {
                l.onMessageSent(c, text, bytes, wireBytes);
            } catch (Throwable e) {
                failed(l, "onMessageSent", e);
            }
        }
    }

    void onSendFailed(WebSocketConnection c, Throwable error) {
        for (ConnectionListener l : listeners) {
            try {
                l.onSendFailed(c, error);
            } catch (Throwable e) {
                failed(l, "onSendFailed", e);
            }
        }
    }

    void onPingRoundTrip(WebSocketConnection c, long nanos) {
        for (ConnectionListener l : listeners) {
            try {
                l.onPingRoundTrip(c, nanos);
            } catch (Throwable e) {
                failed(l, "onPingRoundTrip", e);
            }
        }
    }

    private void failed(ConnectionListener l, String method, Throwable e) {
        if (e instanceof VirtualMachineError fatal) {
            throw fatal;
        }
        failures.incrementAndGet();
        if (warned.add(l)) {
            LOG.log(Level.WARNING, "connection listener " + l.getClass().getName() + " threw in " + method
                    + "; logged once, later failures at DEBUG (counted by listenerFailures())", e);
        } else {
            LOG.log(Level.DEBUG, () -> "connection listener " + l.getClass().getName() + " threw in " + method, e);
        }
    }
}
