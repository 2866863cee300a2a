/**
 * websocket-client.js: a small WebSocket client for browsers (and Node with the `ws` package)
 * that reconnects on its own.
 *
 * - connects with subprotocols; events: open, message, close (code and reason), error,
 *   reconnecting, giveup, network, state, queue; listened to with on/off, addEventListener/
 *   removeEventListener or the onopen/onmessage/onclose/onerror properties, as on a WebSocket
 * - reconnects with exponential backoff and jitter; stops on the close codes that mean
 *   "do not come back" (1000, 1003, 1007, 1008, 1009, 1010 and the codes the application names),
 *   after `reconnect.maxAttempts`, or when the application's `shouldReconnect` says so (the
 *   'giveup' event says which)
 * - in a browser, follows the network: 'offline' drops the connection at once and waits,
 *   'online' reconnects at once
 * - keeps a bounded queue of the messages sent while it is not connected, sent in order on
 *   reconnection
 * - JSON helpers (sendJson, event.json()) and an application-level heartbeat that finds dead
 *   connections the browser does not see (a server's keepalive pings are invisible to scripts)
 * - follows the position (offset and epoch) of each topic the server publishes to it in an
 *   envelope, and asks the server for what it missed (ws-since parameters) when it reconnects;
 *   the 'recovery' event says whether the server could give it
 *
 * No dependency; an ES module. See README.md beside this file.
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

/** Why the client gave up reconnecting: the `why` of the 'giveup' event. */
export const GiveUpReason = Object.freeze({
    /** The close code is one after which the client does not reconnect (fatalCloseCodes). */
    FATAL_CLOSE_CODE: 'fatal-close-code',
    /** reconnect.maxAttempts attempts in a row failed. */
    MAX_ATTEMPTS: 'max-attempts',
    /** The application's shouldReconnect said no. */
    SHOULD_RECONNECT: 'should-reconnect',
    /** The client was made with reconnect: false. */
    RECONNECT_DISABLED: 'reconnect-disabled',
    /** The WebSocket constructor refused the URL or the subprotocols: no attempt can succeed. */
    INVALID_ARGUMENTS: 'invalid-arguments',
});

/** Thrown by send() when the queue of messages waiting for a connection is full. */
export class QueueFullError extends Error {
    constructor(message) {
        super(message);
        this.name = 'QueueFullError';
    }
}

/** The start of a publication envelope: {"ws.pub":{"topic":..,"offset":..,"epoch":..},"data":..}. */
const PUBLICATION_PREFIX = '{"ws.pub":';
/** The start of a recovery notice: {"ws.recovery":{"topic":..,"recovered":..,"missed":..,"offset":..,"epoch":..}}. */
const RECOVERY_PREFIX = '{"ws.recovery":';
/** The query parameter that gives the server a topic's position: topic~offset~epoch. */
const SINCE_PARAMETER = 'ws-since';

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

/**
 * The length in bytes of `text` in UTF-8, counted from its UTF-16 code units without encoding it
 * (the socket encodes it, once, when it sends it). A lone surrogate counts as U+FFFD (3 bytes),
 * which is what WebSocket.send() sends for it.
 */
function utf8Length(text) {
    let bytes = text.length; // one byte per code unit, plus what more each needs
    for (let i = 0; i < text.length; i++) {
        const unit = text.charCodeAt(i);
        if (unit < 0x80) {
            continue;
        }
        if (unit < 0x800) {
            bytes += 1;
        } else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length
            && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
            bytes += 2; // a surrogate pair: two code units, four bytes
            i++;
        } else {
            bytes += 2; // three bytes: the rest of the BMP, and a lone surrogate as U+FFFD
        }
    }
    return bytes;
}

/** The size in bytes of a message as it will go on the wire (before compression). */
function byteLength(data) {
    if (typeof data === 'string') {
        return utf8Length(data);
    }
    if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
        return data.byteLength;
    }
    if (typeof Blob !== 'undefined' && data instanceof Blob) {
        return data.size;
    }
    throw new TypeError('send() takes a string, an ArrayBuffer, a typed array, a DataView or a Blob');
}

/** Throws unless `data` is a type send() takes; returns 0. */
function checkType(data) {
    if (typeof data === 'string' || data instanceof ArrayBuffer || ArrayBuffer.isView(data)
        || (typeof Blob !== 'undefined' && data instanceof Blob)) {
        return 0;
    }
    return byteLength(data); // throws the TypeError
}

/** Whether `value` is an object and not null, an array or a function. */
function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether `offset` is a topic offset: a non-negative safe integer. */
function isOffset(offset) {
    return Number.isSafeInteger(offset) && offset >= 0;
}

/** Whether `text` is a non-empty string (a topic or an epoch). */
function isName(text) {
    return typeof text === 'string' && text.length > 0;
}

/**
 * The parsed JSON of `text`, or undefined when it is not JSON: a message that only looks like an
 * envelope is delivered as it came.
 */
function parseJson(text) {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

/**
 * The publication in an envelope, `{ topic, offset, epoch, data }`, or null when `text` is not one
 * (members beyond those of the format are ignored).
 */
function parsePublication(text) {
    const envelope = parseJson(text);
    const pub = isRecord(envelope) ? envelope['ws.pub'] : undefined;
    if (!isRecord(pub) || !isName(pub.topic) || !isOffset(pub.offset) || !isName(pub.epoch)
        || typeof envelope.data !== 'string') {
        return null;
    }
    return { topic: pub.topic, offset: pub.offset, epoch: pub.epoch, data: envelope.data };
}

/**
 * The recovery notice in `text`, `{ topic, recovered, missed, offset, epoch }`, or null when it is
 * not one.
 */
function parseRecovery(text) {
    const notice = parseJson(text);
    const r = isRecord(notice) ? notice['ws.recovery'] : undefined;
    // an empty epoch: the topic keeps no history (nothing to recover from, now or later)
    if (!isRecord(r) || !isName(r.topic) || typeof r.recovered !== 'boolean' || !isOffset(r.missed)
        || !isOffset(r.offset) || typeof r.epoch !== 'string') {
        return null;
    }
    return { topic: r.topic, recovered: r.recovered, missed: r.missed, offset: r.offset, epoch: r.epoch };
}

/**
 * The positions of the `positions` option as a Map of topic to { offset, epoch }, in the order of
 * the object's keys; throws a TypeError naming what is wrong.
 */
function seedPositions(positions) {
    const seeded = new Map();
    if (positions == null) {
        return seeded;
    }
    if (!isRecord(positions)) {
        throw new TypeError('positions must be an object of { offset, epoch } by topic');
    }
    for (const [topic, position] of Object.entries(positions)) {
        const name = `positions[${JSON.stringify(topic)}]`;
        if (topic.length === 0) {
            throw new TypeError('positions: a topic must be a non-empty string');
        }
        if (!isRecord(position)) {
            throw new TypeError(`${name} must be an object { offset, epoch }`);
        }
        if (!isOffset(position.offset)) {
            throw new TypeError(`${name}.offset must be a non-negative safe integer`);
        }
        if (!isName(position.epoch)) {
            throw new TypeError(`${name}.epoch must be a non-empty string`);
        }
        seeded.set(topic, { offset: position.offset, epoch: position.epoch });
    }
    return seeded;
}

/**
 * `url` with one ws-since parameter per position, `topic~offset~epoch`, after its own query
 * parameters (its ws-since parameters are left out: the client's replace them) and before its
 * fragment. Works on the text, so the parameters the URL had keep their exact form.
 */
function withPositions(url, positions) {
    const hash = url.indexOf('#');
    const fragment = hash < 0 ? '' : url.slice(hash);
    const beforeFragment = hash < 0 ? url : url.slice(0, hash);
    const question = beforeFragment.indexOf('?');
    const base = question < 0 ? beforeFragment : beforeFragment.slice(0, question);
    const query = question < 0 ? '' : beforeFragment.slice(question + 1);
    const params = query.split('&').filter((param) => param.length > 0 && !isSinceParameter(param));
    for (const [topic, { offset, epoch }] of positions) {
        params.push(`${SINCE_PARAMETER}=${encodeURIComponent(`${topic}~${offset}~${epoch}`)}`);
    }
    return `${base}?${params.join('&')}${fragment}`;
}

/** Whether a query parameter (`name=value` as it is in the URL) is a ws-since one. */
function isSinceParameter(param) {
    const equals = param.indexOf('=');
    const name = equals < 0 ? param : param.slice(0, equals);
    try {
        return decodeURIComponent(name.replace(/\+/g, ' ')) === SINCE_PARAMETER;
    } catch {
        return false; // a malformed escape: not a name the client writes
    }
}

function giveUpMessage(why, attempts) {
    switch (why) {
        case GiveUpReason.FATAL_CLOSE_CODE:
            return 'The server closed with a code after which the client does not reconnect';
        case GiveUpReason.MAX_ATTEMPTS:
            return `Gave up after ${attempts} reconnection attempts (reconnect.maxAttempts)`;
        case GiveUpReason.SHOULD_RECONNECT:
            return 'shouldReconnect decided not to reconnect';
        case GiveUpReason.RECONNECT_DISABLED:
            return 'Reconnection is off (reconnect: false)';
        default:
            return 'The WebSocket constructor refused the URL or the subprotocols';
    }
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
    #network;
    /** Whether the connection attempts carry the positions (ws-since). */
    #recover;

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
    /** The listeners of the network's online and offline events, while the client follows them. */
    #networkListeners = null;
    /** The functions assigned to onopen, onmessage, onclose, onerror, by type. */
    #handlers = new Map();
    /** For each handler property in use, the listener that calls it (it keeps its place in the order). */
    #handlerListeners = new Map();
    /** Why the next close ends the client for good, when something other than the close event decided it. */
    #giveUpReason = null;
    /** The last position of each topic, { offset, epoch }, in the order the topics came. */
    #positions;

    /**
     * @param {string | (() => string)} url the ws: or wss: URL, or a function giving it for each
     *     attempt (to add a token or the last message seen)
     * @param {object} [options] see README.md
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
        this.#network = options.network === undefined ? globalThis : options.network;
        if (options.recover != null && typeof options.recover !== 'boolean') {
            throw new TypeError('recover must be a boolean');
        }
        this.#recover = options.recover ?? true;
        this.#positions = seedPositions(options.positions);
        if (options.autoConnect !== false) {
            this.connect();
        }
    }

    /** One of State's values. */
    get state() {
        return this.#state;
    }

    /**
     * The URL of the current (or next) attempt: the configured one (or what its function gives)
     * with a ws-since parameter per known topic position, unless `recover` is false.
     */
    get url() {
        const url = typeof this.#url === 'function' ? this.#url() : this.#url;
        return this.#recover && this.#positions.size > 0 ? withPositions(url, this.#positions) : url;
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
     * Adds a listener for `type` ('open', 'message', 'close', 'error', 'reconnecting', 'giveup',
     * 'network', 'state', 'queue', 'recovery'); returns a function that removes it.
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

    /**
     * Adds a listener as a WebSocket's addEventListener does: the same listener added twice is
     * called once; null is ignored. The listeners of on() and of addEventListener() are one list.
     */
    addEventListener(type, listener) {
        if (listener == null) {
            return;
        }
        this.on(type, listener);
    }

    /** Removes a listener added with addEventListener() (or on()). */
    removeEventListener(type, listener) {
        this.off(type, listener);
    }

    /** The handler of 'open' events, like WebSocket.onopen: assign a function, or null to remove it. */
    get onopen() {
        return this.#handler('open');
    }

    set onopen(handler) {
        this.#setHandler('open', handler);
    }

    /** The handler of 'message' events, like WebSocket.onmessage. */
    get onmessage() {
        return this.#handler('message');
    }

    set onmessage(handler) {
        this.#setHandler('message', handler);
    }

    /** The handler of 'close' events, like WebSocket.onclose. */
    get onclose() {
        return this.#handler('close');
    }

    set onclose(handler) {
        this.#setHandler('close', handler);
    }

    /** The handler of 'error' events, like WebSocket.onerror. */
    get onerror() {
        return this.#handler('error');
    }

    set onerror(handler) {
        this.#setHandler('error', handler);
    }

    #handler(type) {
        return this.#handlers.get(type) ?? null;
    }

    /**
     * As in the browser: a handler takes the place in the listener order where it was first set,
     * keeps it when replaced, and leaves when set to null (or to anything but a function).
     */
    #setHandler(type, handler) {
        if (typeof handler !== 'function') {
            this.#handlers.delete(type);
            const listener = this.#handlerListeners.get(type);
            if (listener) {
                this.#handlerListeners.delete(type);
                this.off(type, listener);
            }
            return;
        }
        this.#handlers.set(type, handler);
        if (!this.#handlerListeners.has(type)) {
            const listener = (event) => this.#handlers.get(type)?.call(this, event);
            this.#handlerListeners.set(type, listener);
            this.on(type, listener);
        }
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
        this.#giveUpReason = null;
        this.#attempt = 0;
        this.#watchNetwork();
        this.#setState(State.CONNECTING);
        this.#open();
    }

    /**
     * The last known position of each topic, `{ [topic]: { offset, epoch } }`: a new object, which
     * the application may keep (in sessionStorage, say) and give back as the `positions` option.
     */
    positions() {
        return Object.fromEntries([...this.#positions].map(([topic, { offset, epoch }]) => [topic, { offset, epoch }]));
    }

    /**
     * Forgets the position of `topic` (the next attempts do not ask to recover it); returns
     * whether there was one.
     */
    forgetPosition(topic) {
        return this.#positions.delete(topic);
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
        // checks the type before anything else; a string's size is counted only when it waits in
        // the queue, and without encoding it: the socket encodes what it sends, once
        const queueing = !(this.#state === State.OPEN && this.#isOpen());
        const bytes = queueing ? byteLength(data) : checkType(data);
        if (this.#state === State.CLOSED) {
            throw new Error('The client is closed: call connect() before sending');
        }
        if (!queueing) {
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
            this.#giveUpReason = GiveUpReason.INVALID_ARGUMENTS;
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
        if (typeof data === 'string') {
            if (data.startsWith(PUBLICATION_PREFIX)) {
                const publication = parsePublication(data);
                if (publication !== null) {
                    const { topic, offset, epoch } = publication;
                    const known = this.#positions.get(topic);
                    if (known !== undefined && known.epoch === epoch && offset <= known.offset) {
                        return; // already delivered: a publication comes once, whatever the server repeats
                    }
                    this.#positions.set(topic, { offset, epoch });
                    this.#emitMessage(publication.data, { topic, offset, epoch });
                    return;
                }
            } else if (data.startsWith(RECOVERY_PREFIX)) {
                const notice = parseRecovery(data);
                if (notice !== null) {
                    if (notice.epoch === '') {
                        this.#positions.delete(notice.topic);
                    } else {
                        this.#positions.set(notice.topic, { offset: notice.offset, epoch: notice.epoch });
                    }
                    this.#emit('recovery', notice);
                    return;
                }
            }
        }
        this.#emitMessage(data, null);
    }

    /** A 'message' event of `data`, with the topic, offset and epoch of a publication's envelope. */
    #emitMessage(data, position) {
        this.#emit('message', {
            data,
            isText: typeof data === 'string',
            json() {
                return JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data));
            },
            ...position,
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
        const giveUp = this.#closeRequested ? null : this.#giveUpDecision(code, reason, wasClean);
        const willReconnect = !this.#closeRequested && giveUp === null;
        const unsent = willReconnect ? [] : this.#queue.map((entry) => entry.data);
        if (!willReconnect) {
            this.#queue = [];
            this.#queuedBytes = 0;
            this.#unwatchNetwork();
            this.#setState(State.CLOSED);
        }
        this.#emit('close', { code, reason, wasClean, willReconnect, unsent });
        if (unsent.length > 0) {
            this.#emit('queue', { length: 0, bytes: 0 });
        }
        if (giveUp !== null) {
            this.#emit('giveup', { why: giveUp, code, reason, attempts: this.#attempt, message: giveUpMessage(giveUp, this.#attempt) });
        }
        if (willReconnect) {
            if (this.#isOffline()) {
                // no attempt can work before the network is back: wait for its online event
                // without spending attempts
                this.#setState(State.RECONNECTING);
            } else {
                this.#scheduleReconnect(code, reason);
            }
        }
    }

    /** Why the connection that just ended is the last one, or null when the client reconnects. */
    #giveUpDecision(code, reason, wasClean) {
        if (this.#giveUpReason !== null) {
            return this.#giveUpReason;
        }
        if (this.#reconnect === null) {
            return GiveUpReason.RECONNECT_DISABLED;
        }
        if (this.#attempt >= this.#reconnect.maxAttempts) {
            return GiveUpReason.MAX_ATTEMPTS;
        }
        const byDefault = !this.#fatalCloseCodes.has(code);
        if (this.#shouldReconnect !== null) {
            const decided = this.#askShouldReconnect({
                code, reason, wasClean, opened: this.#opened, attempt: this.#attempt + 1, byDefault,
            });
            return decided ? null : GiveUpReason.SHOULD_RECONNECT;
        }
        return byDefault ? null : GiveUpReason.FATAL_CLOSE_CODE;
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

    #scheduleReconnect(code, reason, immediately = false) {
        this.#attempt++;
        const delay = immediately ? 0 : backoffDelay(this.#attempt, this.#reconnect, this.#random);
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

    /**
     * In a browser (options.network, by default globalThis when it has addEventListener and
     * navigator.onLine), follows the network's offline and online events until the client closes.
     */
    #watchNetwork() {
        const network = this.#network;
        if (this.#networkListeners || this.#reconnect === null || network == null
            || typeof network.addEventListener !== 'function' || typeof network.removeEventListener !== 'function'
            || typeof network.navigator?.onLine !== 'boolean') {
            return;
        }
        this.#networkListeners = { offline: () => this.#wentOffline(), online: () => this.#cameOnline() };
        network.addEventListener('offline', this.#networkListeners.offline);
        network.addEventListener('online', this.#networkListeners.online);
    }

    #unwatchNetwork() {
        if (this.#networkListeners) {
            this.#network.removeEventListener('offline', this.#networkListeners.offline);
            this.#network.removeEventListener('online', this.#networkListeners.online);
            this.#networkListeners = null;
        }
    }

    #isOffline() {
        return this.#networkListeners !== null && this.#network.navigator?.onLine === false;
    }

    /**
     * The network is gone: the socket, open or connecting, cannot work any more, and may take long
     * to say so (a dead TCP connection is found only by a timeout). The client drops it at once,
     * as after 1006, and waits for the network without spending attempts.
     */
    #wentOffline() {
        if (this.#state === State.CLOSED) {
            return;
        }
        this.#emit('network', { online: false });
        this.#clearTimer('retry');
        const socket = this.#socket;
        if (socket === null) {
            this.#setState(State.RECONNECTING);
            return;
        }
        this.#socket = null;
        this.#clearTimer('connect');
        this.#clearTimer('stable');
        this.#clearTimer('heartbeat');
        try {
            socket.close(4000, 'offline');
        } catch {
            // the socket is already failing
        }
        this.#emit('close', { code: CloseCodes.ABNORMAL, reason: 'offline', wasClean: false, willReconnect: true, unsent: [] });
        if (this.#state !== State.CLOSED) { // unless a close listener closed the client
            this.#setState(State.RECONNECTING);
        }
    }

    /** The network is back: the backoff starts over and, unless an attempt is under way, one starts now. */
    #cameOnline() {
        if (this.#state === State.CLOSED) {
            return;
        }
        this.#emit('network', { online: true });
        if (this.#state !== State.RECONNECTING) {
            return;
        }
        this.#attempt = 0;
        if (this.#socket === null) {
            this.#clearTimer('retry');
            this.#scheduleReconnect(CloseCodes.ABNORMAL, 'online', true);
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
