/**
 * Type declarations of websocket-client.js: a WebSocket client for browsers (and Node with the
 * `ws` package) that reconnects on its own. See README.md.
 */

/** Close codes of RFC 6455 section 7.4.1 and the IANA registry. */
export declare const CloseCodes: Readonly<{
    NORMAL: 1000;
    GOING_AWAY: 1001;
    PROTOCOL_ERROR: 1002;
    UNSUPPORTED_DATA: 1003;
    NO_STATUS: 1005;
    ABNORMAL: 1006;
    INVALID_PAYLOAD: 1007;
    POLICY_VIOLATION: 1008;
    MESSAGE_TOO_BIG: 1009;
    MANDATORY_EXTENSION: 1010;
    INTERNAL_ERROR: 1011;
    SERVICE_RESTART: 1012;
    TRY_AGAIN_LATER: 1013;
    BAD_GATEWAY: 1014;
    TLS_HANDSHAKE: 1015;
}>;

/** Close codes after which the client does not reconnect: 1000, 1003, 1007, 1008, 1009, 1010. */
export declare const DEFAULT_FATAL_CLOSE_CODES: readonly number[];

/** The states of a client; the 'state' event tells each change. */
export declare const State: Readonly<{
    /** The first connection attempt is under way. */
    CONNECTING: 'connecting';
    /** Connected: send() hands messages to the socket. */
    OPEN: 'open';
    /** Lost the connection; waiting before, or busy with, the next attempt. send() queues. */
    RECONNECTING: 'reconnecting';
    /** Closed for good (close() was called, a fatal close code came, or attempts ran out). */
    CLOSED: 'closed';
}>;
/** One of State's values: 'connecting', 'open', 'reconnecting' or 'closed'. */
export type State = (typeof State)[keyof typeof State];

/** Why the client gave up reconnecting: the `why` of the 'giveup' event. */
export declare const GiveUpReason: Readonly<{
    /** The close code is one after which the client does not reconnect (fatalCloseCodes). */
    FATAL_CLOSE_CODE: 'fatal-close-code';
    /** reconnect.maxAttempts attempts in a row failed. */
    MAX_ATTEMPTS: 'max-attempts';
    /** The application's shouldReconnect said no. */
    SHOULD_RECONNECT: 'should-reconnect';
    /** The client was made with reconnect: false. */
    RECONNECT_DISABLED: 'reconnect-disabled';
    /** The WebSocket constructor refused the URL or the subprotocols: no attempt can succeed. */
    INVALID_ARGUMENTS: 'invalid-arguments';
}>;
/** One of GiveUpReason's values. */
export type GiveUpReason = (typeof GiveUpReason)[keyof typeof GiveUpReason];

/** Thrown by send() when the queue of messages waiting for a connection is full. */
export declare class QueueFullError extends Error {
    constructor(message?: string);
    name: 'QueueFullError';
}

/** What send() takes: text, or binary data. */
export type SendData = string | ArrayBuffer | ArrayBufferView | Blob;

/** What a message event's `data` holds: text, or binary data as the binaryType option says. */
export type MessageData = string | ArrayBuffer | Blob;

/** Reconnection settings (all in milliseconds but factor, jitter and maxAttempts). */
export interface ReconnectOptions {
    /** Wait before the first attempt; default 500. */
    initialDelay?: number;
    /** Longest wait between attempts; default 30000. */
    maxDelay?: number;
    /** Each wait is this many times the one before; default 2. */
    factor?: number;
    /** Up to this share (0..1) of each wait is taken away at random; default 0.5. */
    jitter?: number;
    /** Attempts in a row before giving up; default Infinity. */
    maxAttempts?: number;
    /** How long a connection must stay up before the backoff starts over; default 5000. */
    stableAfter?: number;
}

/** An application-level heartbeat that finds connections that died silently. */
export interface HeartbeatOptions {
    /** Sends `message` this often (ms, > 0). */
    interval: number;
    /** Gives up on the connection when nothing arrived for this long (ms); default 2 * interval. */
    timeout?: number;
    /** What to send, or a function giving it each time; default '{"type":"ping"}'. */
    message?: SendData | (() => SendData);
}

/** The socket API the client uses: the browser's WebSocket and the `ws` package's both have it. */
export interface WebSocketLike {
    readonly readyState: number;
    readonly protocol: string;
    readonly extensions: string;
    readonly bufferedAmount: number;
    binaryType: string;
    onopen: ((event: any) => void) | null;
    onmessage: ((event: any) => void) | null;
    onerror: ((event: any) => void) | null;
    onclose: ((event: any) => void) | null;
    send(data: any): void;
    close(code?: number, reason?: string): void;
}

/** A WebSocket class: `globalThis.WebSocket` in browsers, the `ws` package's in Node. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/**
 * What tells the client about the network: a browser window (or worker scope) with its
 * 'online' and 'offline' events and navigator.onLine.
 */
export interface NetworkEvents {
    addEventListener(type: 'online' | 'offline', listener: () => void): void;
    removeEventListener(type: 'online' | 'offline', listener: () => void): void;
    readonly navigator?: { readonly onLine: boolean };
}

/**
 * Where a topic's stream stands: the offset of the last publication the client got (or the one
 * a recovery notice gave) and the stream's epoch, without which an offset means nothing.
 */
export interface TopicPosition {
    /** A non-negative safe integer. */
    offset: number;
    /** A non-empty string; a new epoch means a new stream (its history was lost). */
    epoch: string;
}

/** The options of `new WebSocketClient(url, options)`. */
export interface WebSocketClientOptions {
    /** Subprotocols to offer; the server picks one. */
    protocols?: string | readonly string[];
    /** The WebSocket class to use; default globalThis.WebSocket (in Node 20: pass ws's). */
    WebSocket?: WebSocketConstructor;
    /** How binary messages arrive; default 'arraybuffer'. */
    binaryType?: 'arraybuffer' | 'blob';
    /** Connect in the constructor (default); false: call connect(). */
    autoConnect?: boolean;
    /** Reconnection settings; false for none; true or absent for the defaults. */
    reconnect?: boolean | ReconnectOptions;
    /** More close codes after which not to reconnect (added to DEFAULT_FATAL_CLOSE_CODES). */
    fatalCloseCodes?: readonly number[];
    /** Decides whether to reconnect after a close; maxAttempts and close() still stop the client. */
    shouldReconnect?: ((this: WebSocketClient, event: ShouldReconnectEvent) => boolean) | null;
    /** Most messages waiting for a connection; default 100. */
    maxQueuedMessages?: number;
    /** Most bytes (UTF-8 for text) waiting for a connection; default 1048576. */
    maxQueuedBytes?: number;
    /** How long an attempt may take to open (ms; 0: no limit); default 10000. */
    connectTimeout?: number;
    /** An application-level heartbeat; default none. */
    heartbeat?: HeartbeatOptions | null | false;
    /** The jitter's random source, giving numbers in [0, 1); default Math.random. */
    random?: () => number;
    /**
     * The network's online and offline events; default globalThis when it has addEventListener
     * and navigator.onLine (a browser); null to ignore the network.
     */
    network?: NetworkEvents | null;
    /**
     * Whether each connection attempt asks the server for what each known topic missed (a
     * ws-since query parameter per topic); default true. False keeps tracking the positions.
     */
    recover?: boolean;
    /**
     * Positions to start from, by topic (e.g. what positions() gave before a page reload): sent
     * from the first attempt on. Offsets are non-negative safe integers, epochs non-empty strings.
     */
    positions?: Readonly<Record<string, Readonly<TopicPosition>>> | null;
}

/** What every event has. */
export interface ClientEvent<T extends string> {
    readonly type: T;
    /** The client that emitted the event. */
    readonly target: WebSocketClient;
}

/** A connection opened (again). */
export interface ClientOpenEvent extends ClientEvent<'open'> {
    /** The subprotocol the server chose, or ''. */
    readonly protocol: string;
    /** The extensions the server accepted, or ''. */
    readonly extensions: string;
    /** Whether a connection opened before this one. */
    readonly reconnected: boolean;
}

/** A message arrived. */
export interface ClientMessageEvent extends ClientEvent<'message'> {
    readonly data: MessageData;
    /** Whether it came as a text message. */
    readonly isText: boolean;
    /** The message parsed as JSON (text, or an ArrayBuffer of UTF-8 JSON). */
    json<T = unknown>(): T;
    /** For a publication that came in an envelope: its topic (`data` is the publication itself). */
    readonly topic?: string;
    /** For a publication that came in an envelope: its offset in the topic's stream. */
    readonly offset?: number;
    /** For a publication that came in an envelope: the epoch of the topic's stream. */
    readonly epoch?: string;
}

/**
 * The server answered a reconnection's request to recover a topic (after the publications it
 * could give, which came as 'message' events).
 */
export interface ClientRecoveryEvent extends ClientEvent<'recovery'> {
    readonly topic: string;
    /**
     * Whether the client got everything it missed; false: the history was trimmed or lost, and
     * the application should reload the topic's state.
     */
    readonly recovered: boolean;
    /** How many publications the server sent to catch up. */
    readonly missed: number;
    /** The topic's position now (the client records it). */
    readonly offset: number;
    readonly epoch: string;
}

/** A connection ended (or close() ended a client that was not connected). */
export interface ClientCloseEvent extends ClientEvent<'close'> {
    readonly code: number;
    readonly reason: string;
    readonly wasClean: boolean;
    /** Whether the client will try again. */
    readonly willReconnect: boolean;
    /** The queued messages dropped because the client closed for good. */
    readonly unsent: SendData[];
}

/** The socket failed, or a connect or heartbeat timeout gave up on it. */
export interface ClientErrorEvent extends ClientEvent<'error'> {
    readonly error: Error;
    readonly message: string;
}

/** An attempt is scheduled in `delay` ms. */
export interface ClientReconnectingEvent extends ClientEvent<'reconnecting'> {
    /** The number of the attempt, from 1. */
    readonly attempt: number;
    readonly delay: number;
    /** The close code and reason that ended the connection before. */
    readonly code: number;
    readonly reason: string;
}

/** The client stopped reconnecting by itself (never after close()): after the last 'close'. */
export interface ClientGiveUpEvent extends ClientEvent<'giveup'> {
    readonly why: GiveUpReason;
    /** The close code and reason of the last connection. */
    readonly code: number;
    readonly reason: string;
    /** Reconnection attempts made in a row. */
    readonly attempts: number;
    /** What happened, in words. */
    readonly message: string;
}

/** The browser went offline, or came online again. */
export interface ClientNetworkEvent extends ClientEvent<'network'> {
    readonly online: boolean;
}

/** The state changed. */
export interface ClientStateEvent extends ClientEvent<'state'> {
    readonly state: State;
    readonly previous: State;
}

/** The queue grew or was flushed. */
export interface ClientQueueEvent extends ClientEvent<'queue'> {
    /** Messages waiting. */
    readonly length: number;
    /** Their size in bytes. */
    readonly bytes: number;
}

/** What shouldReconnect is asked with. */
export interface ShouldReconnectEvent extends ClientEvent<'close'> {
    readonly code: number;
    readonly reason: string;
    readonly wasClean: boolean;
    /** Whether this socket ever opened (a refused handshake closes one that never did). */
    readonly opened: boolean;
    /** The number of the attempt that would come next. */
    readonly attempt: number;
    /** What the close code rule decided. */
    readonly byDefault: boolean;
}

/** The events of a client by type. */
export interface WebSocketClientEventMap {
    open: ClientOpenEvent;
    message: ClientMessageEvent;
    close: ClientCloseEvent;
    error: ClientErrorEvent;
    reconnecting: ClientReconnectingEvent;
    giveup: ClientGiveUpEvent;
    network: ClientNetworkEvent;
    state: ClientStateEvent;
    queue: ClientQueueEvent;
    recovery: ClientRecoveryEvent;
}

/** The type of an event a client emits. */
export type WebSocketClientEventType = keyof WebSocketClientEventMap;

/** A listener of events of type `K`; called with the client as `this`. */
export type WebSocketClientListener<K extends WebSocketClientEventType> =
    (this: WebSocketClient, event: WebSocketClientEventMap[K]) => void;

/**
 * The wait before reconnection attempt `attempt` (1, 2, ...): `initialDelay * factor^(attempt-1)`,
 * at most `maxDelay`, less a random part of up to `jitter` of it.
 */
export declare function backoffDelay(attempt: number, options?: ReconnectOptions, random?: () => number): number;

/** A WebSocket connection that comes back by itself. */
export declare class WebSocketClient {
    /**
     * @param url the ws: or wss: URL, or a function giving it for each attempt
     * @throws TypeError for a url of another type, a shouldReconnect that is not a function, no WebSocket
     *     class, a recover that is not a boolean, or a malformed positions option
     * @throws RangeError for a heartbeat interval that is not a positive number
     */
    constructor(url: string | (() => string), options?: WebSocketClientOptions);

    /** One of State's values. */
    readonly state: State;
    /** The URL of the current (or next) attempt, with its ws-since parameters. */
    readonly url: string;
    /** The subprotocol the server chose, or '' while not connected. */
    readonly protocol: string;
    /** The extensions the server accepted, or '' while not connected. */
    readonly extensions: string;
    /** Bytes handed to the socket and not yet sent by it. */
    readonly bufferedAmount: number;
    /** How many messages wait in the queue for a connection. */
    readonly queuedMessages: number;
    /** The number of the current reconnection attempt (0 while connected for long enough). */
    readonly attempt: number;

    /** The handler of 'open' events, like WebSocket.onopen; null when none. */
    onopen: WebSocketClientListener<'open'> | null;
    /** The handler of 'message' events, like WebSocket.onmessage; null when none. */
    onmessage: WebSocketClientListener<'message'> | null;
    /** The handler of 'close' events, like WebSocket.onclose; null when none. */
    onclose: WebSocketClientListener<'close'> | null;
    /** The handler of 'error' events, like WebSocket.onerror; null when none. */
    onerror: WebSocketClientListener<'error'> | null;

    /** Adds a listener; returns a function that removes it. */
    on<K extends WebSocketClientEventType>(type: K, listener: WebSocketClientListener<K>): () => void;
    /** Removes a listener. */
    off<K extends WebSocketClientEventType>(type: K, listener: WebSocketClientListener<K>): void;
    /** A promise of the next event of `type`. */
    once<K extends WebSocketClientEventType>(type: K): Promise<WebSocketClientEventMap[K]>;
    /** Adds a listener, as on a WebSocket (the same list as on()); null is ignored. */
    addEventListener<K extends WebSocketClientEventType>(type: K, listener: WebSocketClientListener<K> | null): void;
    /** Removes a listener added with addEventListener() or on(). */
    removeEventListener<K extends WebSocketClientEventType>(type: K, listener: WebSocketClientListener<K> | null): void;

    /** Starts connecting after the client closed for good (or with autoConnect: false). */
    connect(): void;
    /** While waiting to reconnect: tries at once instead of at the end of the delay. */
    reconnectNow(): void;
    /** The last known position of each topic, in a new object (to keep, and give back as `positions`). */
    positions(): Record<string, TopicPosition>;
    /** Forgets a topic's position; returns whether there was one. */
    forgetPosition(topic: string): boolean;
    /**
     * Sends a message: true when handed to the socket, false when queued for the next connection.
     * @throws QueueFullError when the queue is full
     * @throws Error when the client is closed
     */
    send(data: SendData): boolean;
    /** Sends `value` as a JSON text message; returns as send() does. */
    sendJson(value: unknown): boolean;
    /**
     * Closes with `code` (1000, or 3000-4999) and `reason` and stops reconnecting; resolves with
     * the 'close' event, whose `unsent` lists the queued messages dropped.
     */
    close(code?: number, reason?: string): Promise<ClientCloseEvent>;
}
