/**
 * websocket-client.js: a small WebSocket client for browsers (and Node with the `ws` package)
 * that reconnects on its own.
 *
 * - connects with subprotocols; events: open, message, close (code and reason), error,
 *   reconnecting, state, queue
 * - reconnects with exponential backoff and jitter; stops on the close codes that mean
 *   "do not come back" (1000, 1003, 1007, 1008, 1009, 1010 and the codes the application names),
 *   after `reconnect.maxAttempts`, or when the application's `shouldReconnect` says so
 * - keeps a bounded queue of the messages sent while it is not connected, sent in order on
 *   reconnection
 * - JSON helpers (sendJson, event.json()) and an application-level heartbeat that finds dead
 *   connections the browser does not see (a server's keepalive pings are invisible to scripts)
 *
 * No dependency; an ES module. See websocket-client.md beside this file.
 */

/** Close codes of RFC 6455 section 7.4.1 and the IANA registry. */
export const CloseCodes = Object.freeze({
    NORMAL: 1000,
    GOING_AWAY: 1001,
    PROTOCOL_ERROR: 1002,
    UNSUPPORTED_DATA: 1003,
    NO_STATUS: 1005,
    ABNORMAL: 1006,
    INVALID_PAYLOAD: 1007,
    POLICY_VIOLATION: 1008,
    MESSAGE_TOO_BIG: 1009,
    MANDATORY_EXTENSION: 1010,
    INTERNAL_ERROR: 1011,
    SERVICE_RESTART: 1012,
    TRY_AGAIN_LATER: 1013,
    BAD_GATEWAY: 1014,
    TLS_HANDSHAKE: 1015,
});

/**
 * Close codes after which the client does not reconnect, the same as the Java client's
 * ReconnectPolicy: 1000, the server ended the session on purpose (a normal closure is not a
 * failure to recover from); and the codes after which reconnecting cannot help: the server
 * refused what this client sends (1003 unsupported data, 1007 invalid payload, 1009 too big), its
 * policy (1008) or the client needs an extension the server lacks (1010). Everything else is
 * retried: 1001 going away (a restart), 1006 abnormal closure, 1011-1014, application codes.
 */
export const DEFAULT_FATAL_CLOSE_CODES = Object.freeze([1000, 1003, 1007, 1008, 1009, 1010]);

/** The states of a client; the 'state' event tells each change. */
export const State = Object.freeze({
    /** The first connection attempt is under way. */
    CONNECTING: 'connecting',
    /** Connected: send() hands messages to the socket. */
    OPEN: 'open',
    /** Lost the connection; waiting before, or busy with, the next attempt. send() queues. */
    RECONNECTING: 'reconnecting',
    /** Closed for good (close() was called, a fatal close code came, or attempts ran out). */
    CLOSED: 'closed',
});

/** Thrown by send() when the queue of messages waiting for a connection is full. */
export class QueueFullError extends Error {
    constructor(message) {
        super(message);
        this.name = 'QueueFullError';
    }
}

const DEFAULT_RECONNECT = Object.freeze({
    initialDelay: 500,
    maxDelay: 30000,
    factor: 2,
    jitter: 0.5,
    maxAttempts: Infinity,
    stableAfter: 5000,
});

// WebSocket.readyState values (the same in browsers and in ws)
const CONNECTING = 0;
const OPEN = 1;

/**
 * The wait before reconnection attempt `attempt` (1, 2, ...): `initialDelay * factor^(attempt-1)`,
 * at most `maxDelay`, less a random part of up to `jitter` (0..1) of it, so that many clients
 * dropped at once by a restarting server do not all come back in the same instant.
 */
export function backoffDelay(attempt, options = DEFAULT_RECONNECT, random = Math.random) {
    const { initialDelay, maxDelay, factor, jitter } = { ...DEFAULT_RECONNECT, ...options };
    const base = Math.min(maxDelay, initialDelay * Math.pow(factor, Math.max(0, attempt - 1)));
    return Math.max(0, Math.round(base * (1 - jitter * random())));
}

/** The size in bytes of a message as it will go on the wire (before compression). */
function byteLength(data) {
    if (typeof data === 'string') {
        return new TextEncoder().encode(data).length;
    }
    if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
        return data.byteLength;
    }
    if (typeof Blob !== 'undefined' && data instanceof Blob) {
        return data.size;
    }
    throw new TypeError('send() takes a string, an ArrayBuffer, a typed array, a DataView or a Blob');
}

function report(error) {
    if (typeof globalThis.reportError === 'function') {
        globalThis.reportError(error);
    } else {
        console.error(error);
    }
}

/**
 * A WebSocket connection that comes back by itself.
 *
 *     const client = new WebSocketClient('wss://example.com/chat/lobby', { protocols: ['chat.v1'] });
 *     client.on('open', () => client.sendJson({ type: 'join', name: 'ada' }));
 *     client.on('message', (e) => console.log(e.json()));
 */
export class WebSocketClient {
    #url;
    #protocols;
    #WebSocket;
    #binaryType;
    #reconnect;
    #fatalCloseCodes;
    #shouldReconnect;
    #maxQueuedMessages;
    #maxQueuedBytes;
    #connectTimeout;
    #heartbeat;
    #random;

    #listeners = new Map();
    #state = State.CLOSED;
    #socket = null;
    #closeRequested = false;
    #attempt = 0;
    #connections = 0;
    /** Whether the current socket opened (a refused handshake closes one that never did). */
    #opened = false;
    #queue = [];
    #queuedBytes = 0;
    #timers = { retry: null, connect: null, stable: null, heartbeat: null };
    #lastReceived = 0;
    #onlineListener = null;

    /**
     * @param {string | (() => string)} url the ws: or wss: URL, or a function giving it for each
     *     attempt (to add a token or the last message seen)
     * @param {object} [options] see websocket-client.md
     */
    constructor(url, options = {}) {
        if (typeof url !== 'string' && typeof url !== 'function') {
            throw new TypeError('url must be a string or a function returning one');
        }
        this.#url = url;
        this.#protocols = options.protocols == null ? [] : [].concat(options.protocols);
        this.#WebSocket = options.WebSocket ?? globalThis.WebSocket;
        if (typeof this.#WebSocket !== 'function') {
            throw new TypeError('No WebSocket constructor: pass options.WebSocket (in Node, the ws package\'s WebSocket)');
        }
        this.#binaryType = options.binaryType ?? 'arraybuffer';
        this.#reconnect = options.reconnect === false
            ? null
            : Object.freeze({ ...DEFAULT_RECONNECT, ...(options.reconnect === true ? {} : options.reconnect) });
        this.#fatalCloseCodes = new Set([...DEFAULT_FATAL_CLOSE_CODES, ...(options.fatalCloseCodes ?? [])]);
        if (options.shouldReconnect != null && typeof options.shouldReconnect !== 'function') {
            throw new TypeError('shouldReconnect must be a function of the close event');
        }
        this.#shouldReconnect = options.shouldReconnect ?? null;
        this.#maxQueuedMessages = options.maxQueuedMessages ?? 100;
        this.#maxQueuedBytes = options.maxQueuedBytes ?? 1024 * 1024;
        this.#connectTimeout = options.connectTimeout ?? 10000;
        this.#heartbeat = options.heartbeat ? Object.freeze({
            interval: options.heartbeat.interval,
            timeout: options.heartbeat.timeout ?? 2 * options.heartbeat.interval,
            message: options.heartbeat.message ?? '{"type":"ping"}',
        }) : null;
        if (this.#heartbeat && !(this.#heartbeat.interval > 0)) {
            throw new RangeError('heartbeat.interval must be a positive number of milliseconds');
        }
        this.#random = options.random ?? Math.random;
        if (options.autoConnect !== false) {
            this.connect();
        }
    }

    /** One of State's values. */
    get state() {
        return this.#state;
    }

    /** The URL of the current (or next) attempt. */
    get url() {
        return typeof this.#url === 'function' ? this.#url() : this.#url;
    }

    /** The subprotocol the server chose, or '' while not connected. */
    get protocol() {
        return this.#isOpen() ? this.#socket.protocol : '';
    }

    /** The extensions the server accepted (e.g. 'permessage-deflate'), or '' while not connected. */
    get extensions() {
        return this.#isOpen() ? this.#socket.extensions : '';
    }

    /** Bytes handed to the socket and not yet sent by it. */
    get bufferedAmount() {
        return this.#socket ? this.#socket.bufferedAmount : 0;
    }

    /** How many messages wait in the queue for a connection. */
    get queuedMessages() {
        return this.#queue.length;
    }

    /** The number of the current reconnection attempt (0 while connected for long enough). */
    get attempt() {
        return this.#attempt;
    }

    /**
     * Adds a listener for `type` ('open', 'message', 'close', 'error', 'reconnecting', 'state',
     * 'queue'); returns a function that removes it.
     */
    on(type, listener) {
        if (typeof listener !== 'function') {
            throw new TypeError('listener must be a function');
        }
        if (!this.#listeners.has(type)) {
            this.#listeners.set(type, new Set());
        }
        this.#listeners.get(type).add(listener);
        return () => this.off(type, listener);
    }

    /** Removes a listener. */
    off(type, listener) {
        this.#listeners.get(type)?.delete(listener);
    }

    /** A promise of the next event of `type`. */
    once(type) {
        return new Promise((resolve) => {
            const off = this.on(type, (event) => {
                off();
                resolve(event);
            });
        });
    }

    /**
     * Starts connecting: at construction unless `autoConnect: false`, and again after the client
     * closed for good. Does nothing while the client is connecting, open or reconnecting.
     */
    connect() {
        if (this.#state !== State.CLOSED) {
            return;
        }
        this.#closeRequested = false;
        this.#attempt = 0;
        this.#watchOnline();
        this.#setState(State.CONNECTING);
        this.#open();
    }

    /** While waiting to reconnect: tries at once instead of at the end of the delay. */
    reconnectNow() {
        if (this.#state === State.RECONNECTING && this.#timers.retry !== null) {
            this.#clearTimer('retry');
            this.#open();
        }
    }

    /**
     * Sends a message (string, ArrayBuffer, typed array, DataView or Blob). Returns true when it
     * was handed to the socket, false when it was queued to go out after the next (re)connection.
     * Throws QueueFullError when the queue is full and an Error when the client is closed.
     */
    send(data) {
        const bytes = byteLength(data);
        if (this.#state === State.CLOSED) {
            throw new Error('The client is closed: call connect() before sending');
        }
        if (this.#state === State.OPEN && this.#isOpen()) {
            this.#socket.send(data);
            return true;
        }
        if (this.#queue.length >= this.#maxQueuedMessages) {
            throw new QueueFullError(`The send queue is full (${this.#maxQueuedMessages} messages)`);
        }
        if (this.#queuedBytes + bytes > this.#maxQueuedBytes) {
            throw new QueueFullError(`The send queue is full (${this.#maxQueuedBytes} bytes)`);
        }
        this.#queue.push({ data, bytes });
        this.#queuedBytes += bytes;
        this.#emit('queue', { length: this.#queue.length, bytes: this.#queuedBytes });
        return false;
    }

    /** Sends `value` as a JSON text message; returns as send() does. */
    sendJson(value) {
        return this.send(JSON.stringify(value));
    }

    /**
     * Closes the connection with `code` (1000, or 3000-4999) and `reason` and stops reconnecting.
     * Resolves with the 'close' event. Messages still queued are dropped; the event lists them
     * in `unsent`.
     */
    close(code = CloseCodes.NORMAL, reason = '') {
        if (this.#state === State.CLOSED) {
            return Promise.resolve({ type: 'close', target: this, code, reason, wasClean: true, willReconnect: false, unsent: [] });
        }
        const closed = this.once('close');
        this.#closeRequested = true;
        this.#clearTimer('retry');
        const socket = this.#socket;
        if (socket && (socket.readyState === OPEN || socket.readyState === CONNECTING)) {
            socket.close(code, reason);
        } else {
            this.#closed(code, reason, true);
        }
        return closed;
    }

    #isOpen() {
        return this.#socket !== null && this.#socket.readyState === OPEN;
    }

    #open() {
        let socket;
        try {
            socket = this.#protocols.length > 0
                ? new this.#WebSocket(this.url, this.#protocols)
                : new this.#WebSocket(this.url);
        } catch (error) {
            // a malformed URL or subprotocol: no attempt can succeed
            this.#emit('error', { error, message: error.message });
            this.#closeRequested = true;
            this.#closed(CloseCodes.ABNORMAL, error.message, false);
            return;
        }
        socket.binaryType = this.#binaryType;
        this.#socket = socket;
        this.#opened = false;
        socket.onopen = () => socket === this.#socket && this.#onOpen();
        socket.onmessage = (event) => socket === this.#socket && this.#received(event.data);
        socket.onerror = () => socket === this.#socket && this.#emit('error', {
            error: new Error('WebSocket error'),
            message: 'WebSocket error',
        });
        socket.onclose = (event) => socket === this.#socket && this.#closed(event.code, event.reason, event.wasClean);
        if (this.#connectTimeout > 0) {
            this.#timers.connect = setTimeout(() => {
                this.#timers.connect = null;
                this.#abandon(socket, `No connection within ${this.#connectTimeout} ms`);
            }, this.#connectTimeout);
        }
    }

    #onOpen() {
        this.#opened = true;
        this.#clearTimer('connect');
        const reconnected = this.#connections > 0;
        this.#connections++;
        this.#lastReceived = Date.now();
        if (this.#reconnect) {
            // only a connection that stays up resets the backoff: a server that accepts and then
            // drops at once is retried ever more slowly
            this.#timers.stable = setTimeout(() => {
                this.#timers.stable = null;
                this.#attempt = 0;
            }, this.#reconnect.stableAfter);
        }
        this.#startHeartbeat();
        this.#setState(State.OPEN);
        // 'open' listeners run before the queue is flushed: what they send (a re-join, a login)
        // goes out ahead of the messages that waited for the connection
        this.#emit('open', {
            protocol: this.#socket.protocol,
            extensions: this.#socket.extensions,
            reconnected,
        });
        this.#flushQueue();
    }

    #flushQueue() {
        if (this.#queue.length === 0) {
            return;
        }
        while (this.#queue.length > 0 && this.#state === State.OPEN && this.#isOpen()) {
            const { data, bytes } = this.#queue.shift();
            this.#queuedBytes -= bytes;
            this.#socket.send(data);
        }
        this.#emit('queue', { length: this.#queue.length, bytes: this.#queuedBytes });
    }

    #received(data) {
        this.#lastReceived = Date.now();
        this.#emit('message', {
            data,
            isText: typeof data === 'string',
            json() {
                return JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data));
            },
        });
    }

    #startHeartbeat() {
        if (!this.#heartbeat) {
            return;
        }
        const { interval, timeout, message } = this.#heartbeat;
        const socket = this.#socket;
        this.#timers.heartbeat = setInterval(() => {
            if (socket !== this.#socket) {
                return;
            }
            if (Date.now() - this.#lastReceived > timeout) {
                this.#abandon(socket, `Nothing received for ${timeout} ms`);
                return;
            }
            if (socket.readyState === OPEN) {
                socket.send(typeof message === 'function' ? message() : message);
            }
        }, Math.min(interval, timeout));
    }

    /**
     * Gives up on a socket that does not answer (connect or heartbeat timeout): a dead peer may
     * never complete a close handshake, so the client does not wait for one and goes on as after
     * an abnormal closure (1006).
     */
    #abandon(socket, message) {
        if (socket !== this.#socket) {
            return;
        }
        this.#emit('error', { error: new Error(message), message });
        this.#socket = null;
        try {
            socket.close(4000, 'timeout');
        } catch {
            // the socket is already failing
        }
        this.#closed(CloseCodes.ABNORMAL, message, false);
    }

    #closed(code, reason, wasClean) {
        this.#socket = null;
        this.#clearTimer('connect');
        this.#clearTimer('stable');
        this.#clearTimer('heartbeat');
        const mayRetry = !this.#closeRequested && this.#reconnect !== null
            && this.#attempt < this.#reconnect.maxAttempts;
        let willReconnect = mayRetry && !this.#fatalCloseCodes.has(code);
        if (mayRetry && this.#shouldReconnect !== null) {
            willReconnect = this.#askShouldReconnect({
                code, reason, wasClean, opened: this.#opened, attempt: this.#attempt + 1, byDefault: willReconnect,
            });
        }
        const unsent = willReconnect ? [] : this.#queue.map((entry) => entry.data);
        if (!willReconnect) {
            this.#queue = [];
            this.#queuedBytes = 0;
            this.#unwatchOnline();
            this.#setState(State.CLOSED);
        }
        this.#emit('close', { code, reason, wasClean, willReconnect, unsent });
        if (unsent.length > 0) {
            this.#emit('queue', { length: 0, bytes: 0 });
        }
        if (willReconnect) {
            this.#scheduleReconnect(code, reason);
        }
    }

    /**
     * The application's decision (options.shouldReconnect) given the close event and the default
     * one; a hook that throws is reported and the default stands.
     */
    #askShouldReconnect(event) {
        try {
            return Boolean(this.#shouldReconnect.call(this, { type: 'close', target: this, ...event }));
        } catch (error) {
            report(error);
            return event.byDefault;
        }
    }

    #scheduleReconnect(code, reason) {
        this.#attempt++;
        const delay = backoffDelay(this.#attempt, this.#reconnect, this.#random);
        this.#setState(State.RECONNECTING);
        this.#emit('reconnecting', { attempt: this.#attempt, delay, code, reason });
        if (this.#state !== State.RECONNECTING) {
            return; // a listener closed the client
        }
        this.#timers.retry = setTimeout(() => {
            this.#timers.retry = null;
            this.#open();
        }, delay);
    }

    /** In a browser, comes back at once when the network does. */
    #watchOnline() {
        if (this.#onlineListener || typeof globalThis.addEventListener !== 'function'
            || typeof globalThis.navigator?.onLine !== 'boolean') {
            return;
        }
        this.#onlineListener = () => this.reconnectNow();
        globalThis.addEventListener('online', this.#onlineListener);
    }

    #unwatchOnline() {
        if (this.#onlineListener) {
            globalThis.removeEventListener('online', this.#onlineListener);
            this.#onlineListener = null;
        }
    }

    #setState(state) {
        if (state === this.#state) {
            return;
        }
        const previous = this.#state;
        this.#state = state;
        this.#emit('state', { state, previous });
    }

    #clearTimer(name) {
        if (this.#timers[name] !== null) {
            clearTimeout(this.#timers[name]);
            clearInterval(this.#timers[name]);
            this.#timers[name] = null;
        }
    }

    #emit(type, event) {
        const listeners = this.#listeners.get(type);
        if (!listeners) {
            return;
        }
        for (const listener of [...listeners]) {
            try {
                listener.call(this, { type, target: this, ...event });
            } catch (error) {
                // one listener's bug neither stops the others nor breaks the client
                report(error);
            }
        }
    }
}
