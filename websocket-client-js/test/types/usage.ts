// The API as a strict TypeScript user writes it, with the package resolved by its name and its
// "exports" (tsc -p test/types, run by TypeScriptDeclarationsTest): every export is used here.
import {
    WebSocketClient, State, CloseCodes, GiveUpReason, QueueFullError, DEFAULT_FATAL_CLOSE_CODES, backoffDelay,
} from '@dev-seed/websocket-client';
import type {
    ClientCloseEvent, ClientGiveUpEvent, ClientMessageEvent, ClientOpenEvent, ClientRecoveryEvent, MessageData,
    NetworkEvents, SendData, ShouldReconnectEvent, TopicPosition, WebSocketClientEventMap, WebSocketClientEventType,
    WebSocketClientListener, WebSocketClientOptions, WebSocketConstructor, WebSocketLike,
} from '@dev-seed/websocket-client';

interface ChatMessage {
    type: 'message';
    text: string;
}

const options: WebSocketClientOptions = {
    protocols: ['chat.v1'],
    WebSocket: globalThis.WebSocket,
    binaryType: 'arraybuffer',
    autoConnect: false,
    reconnect: { initialDelay: 500, maxDelay: 15000, factor: 2, jitter: 0.5, maxAttempts: 10, stableAfter: 5000 },
    fatalCloseCodes: [4001, ...DEFAULT_FATAL_CLOSE_CODES],
    shouldReconnect(event: ShouldReconnectEvent): boolean {
        return event.byDefault && (event.opened || event.attempt <= 5) && this.state !== State.CLOSED;
    },
    maxQueuedMessages: 100,
    maxQueuedBytes: 1 << 20,
    connectTimeout: 10000,
    heartbeat: { interval: 25000, timeout: 50000, message: () => JSON.stringify({ type: 'ping' }) },
    random: Math.random,
    network: window,
    recover: true,
    positions: { 'chat.lobby': { offset: 41, epoch: 'a1b2' } },
};

const client = new WebSocketClient(() => `wss://example.com/chat/lobby?t=${Date.now()}`, options);
new WebSocketClient('ws://127.0.0.1:8081/echo', { reconnect: false, protocols: 'echo', network: null, heartbeat: false });
new WebSocketClient('ws://127.0.0.1:8081/echo', { reconnect: true });
new WebSocketClient('ws://127.0.0.1:8081/echo');
// positions kept across a page reload, and recovery turned off
const saved: Record<string, TopicPosition> = JSON.parse(sessionStorage.getItem('positions') ?? '{}');
new WebSocketClient('ws://127.0.0.1:8081/chat', { positions: saved });
new WebSocketClient('ws://127.0.0.1:8081/chat', { recover: false, positions: null });

// the browser's WebSocket class fits the option's type
const socketClass: WebSocketConstructor = WebSocket;
const socket: WebSocketLike = new socketClass('ws://127.0.0.1:8081/echo', ['chat.v1']);
socket.close(CloseCodes.NORMAL, 'not needed');
const network: NetworkEvents = new EventTarget() as EventTarget & { navigator: { onLine: boolean } };
void network;

const off: () => void = client.on('open', (event: ClientOpenEvent) => {
    const reconnected: boolean = event.reconnected;
    const chosen: string = event.protocol + event.extensions;
    client.sendJson({ type: 'join', name: 'ada', reconnected, chosen });
});
off();
client.on('message', function (event) {
    const self: WebSocketClient = this;
    const data: MessageData = event.data;
    if (event.isText && typeof data === 'string') {
        const message = event.json<ChatMessage>();
        const text: string = message.text;
        self.send(text.toUpperCase());
    }
});
client.on('close', ({ code, reason, wasClean, willReconnect, unsent }) => {
    const dropped: SendData[] = unsent;
    console.log(code, reason, wasClean, willReconnect, dropped.length);
});
client.on('error', ({ error, message }) => console.log(error.stack, message));
client.on('reconnecting', ({ attempt, delay, code, reason }) => console.log(attempt, delay, code, reason));
client.on('giveup', (event: ClientGiveUpEvent) => {
    switch (event.why) {
        case GiveUpReason.MAX_ATTEMPTS:
            console.log(`${event.message}: ${event.attempts}`);
            break;
        case 'fatal-close-code':
        case 'should-reconnect':
        case 'reconnect-disabled':
        case 'invalid-arguments':
            console.log(event.code, event.reason);
            break;
    }
});
client.on('network', ({ online }) => console.log(online ? 'online' : 'offline'));
client.on('state', ({ state, previous }) => {
    const states: State[] = [state, previous];
    console.log(states.includes(State.OPEN));
});
client.on('queue', ({ length, bytes, type, target }) => console.log(length, bytes, type, target.queuedMessages));

// topics: publications in envelopes, recovery notices, positions
client.on('message', (event) => {
    if (event.topic !== undefined) {
        const topic: string = event.topic;
        const offset: number | undefined = event.offset;
        const epoch: string | undefined = event.epoch;
        console.log(topic, offset, epoch, event.json<ChatMessage>().text);
    }
});
client.on('recovery', (event: ClientRecoveryEvent) => {
    const { topic, recovered, missed, offset, epoch, type } = event;
    const kind: 'recovery' = type;
    if (!recovered) {
        client.forgetPosition(topic);
    }
    console.log(kind, missed, offset, epoch);
});
const positions: Record<string, TopicPosition> = client.positions();
const lobby: TopicPosition | undefined = positions['chat.lobby'];
sessionStorage.setItem('positions', JSON.stringify(positions));
const forgotten: boolean = client.forgetPosition('chat.lobby');
console.log(lobby?.offset, lobby?.epoch, forgotten);

// the WebSocket way
const onMessage: WebSocketClientListener<'message'> = (event: ClientMessageEvent) => console.log(event.data);
client.addEventListener('message', onMessage);
client.removeEventListener('message', onMessage);
client.addEventListener('close', null);
client.onopen = (event) => console.log(event.reconnected);
client.onmessage = function (event) {
    console.log(this.url, event.json());
};
client.onclose = (event: ClientCloseEvent) => console.log(event.code);
client.onerror = (event) => console.log(event.message);
client.onopen = null;
const handler: WebSocketClientListener<'message'> | null = client.onmessage;
void handler;

// generic helpers over the event map
function firstOf<K extends WebSocketClientEventType>(type: K): Promise<WebSocketClientEventMap[K]> {
    return client.once(type);
}

async function run(): Promise<void> {
    client.connect();
    const open = await client.once('open');
    const protocol: string = open.protocol;
    const state: State = (await firstOf('state')).state;
    const recovery: ClientRecoveryEvent = await firstOf('recovery');
    console.log(recovery.recovered);
    const sent: boolean = client.send(new Uint8Array([1, 2, 3]));
    client.send(new ArrayBuffer(8));
    client.send(new DataView(new ArrayBuffer(2)));
    client.send(new Blob(['x']));
    try {
        client.sendJson({ type: 'message', text: `${protocol} ${state} ${sent}` });
    } catch (error) {
        if (error instanceof QueueFullError) {
            const name: 'QueueFullError' = error.name;
            console.log(name, error.message);
        }
    }
    client.reconnectNow();
    const readOnly: [string, string, string, number, number, number] = [
        client.url, client.protocol, client.extensions, client.bufferedAmount, client.queuedMessages, client.attempt,
    ];
    console.log(readOnly);
    const closed: ClientCloseEvent = await client.close(CloseCodes.NORMAL, 'bye');
    console.log(closed.unsent, backoffDelay(3), backoffDelay(3, { initialDelay: 100, jitter: 0 }, () => 0.5));
    const code: 1001 = CloseCodes.GOING_AWAY;
    console.log(code);
}

void run();
