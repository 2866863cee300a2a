// Unit tests of websocket-client.js under Node's test runner, against real servers on loopback:
// the sample app's /echo route (ECHO_URL, set by JavaScriptClientTest, which starts the app) and
// servers of the ws package (installed into .tools/ by bin/setup.d/10-npm.sh).
//
//   ECHO_URL=ws://127.0.0.1:8081/echo ECHO_ORIGIN=http://127.0.0.1:8080 node --test websocket-client-js/test/

import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';

import {
    WebSocketClient, State, CloseCodes, QueueFullError, backoffDelay, DEFAULT_FATAL_CLOSE_CODES, GiveUpReason,
} from '../websocket-client.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const toolsDir = process.env.TOOLS_DIR ?? path.resolve(here, '../../.tools');

function loadWs() {
    try {
        return createRequire(path.join(toolsDir, 'package.json'))('ws');
    } catch (error) {
        throw new Error(`The ws package is not installed in ${toolsDir}: bin/test installs it `
            + `(bin/setup.d/10-npm.sh runs npm install --prefix .tools). Cause: ${error.message}`);
    }
}

const { WebSocket, WebSocketServer } = loadWs();

/**
 * The ws client class with the Origin header of the app's page (ECHO_ORIGIN): the app's server,
 * like any server that browsers reach, accepts only the origins it is configured with.
 */
function echoWebSocket() {
    const origin = process.env.ECHO_ORIGIN;
    if (!origin) {
        return WebSocket;
    }
    return class extends WebSocket {
        constructor(url, protocols) {
            super(url, protocols ?? [], { origin });
        }
    };
}

function echoUrl() {
    const url = process.env.ECHO_URL;
    if (!url) {
        throw new Error('ECHO_URL is not set: run these tests through Maven (JavaScriptClientTest starts '
            + 'the sample app and sets it) or start the app and set ECHO_URL=ws://127.0.0.1:<port>/echo');
    }
    return url;
}

/** A ws server on 127.0.0.1 with a free port; `onConnection(socket, index, request)` decides what happens. */
async function startServer(onConnection, options = {}) {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0, ...options });
    const connections = [];
    server.on('connection', (socket, request) => {
        connections.push(socket);
        onConnection(socket, connections.length - 1, request);
    });
    await once(server, 'listening');
    return {
        url: `ws://127.0.0.1:${server.address().port}/test`,
        connections,
        close: () => new Promise((resolve) => {
            for (const c of server.clients) {
                c.terminate();
            }
            server.close(() => resolve());
        }),
    };
}

async function waitFor(condition, what, timeout = 5000) {
    const deadline = Date.now() + timeout;
    while (!condition()) {
        if (Date.now() > deadline) {
            throw new Error(`Timed out after ${timeout} ms waiting for ${what}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
    }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Records every event of a client, in order. */
function record(client) {
    const events = [];
    for (const type of ['open', 'message', 'close', 'error', 'reconnecting', 'giveup', 'network', 'state', 'queue', 'recovery']) {
        client.on(type, (e) => events.push(e));
    }
    return events;
}

const FAST = { initialDelay: 20, maxDelay: 200, factor: 2, jitter: 0 };

describe('backoffDelay', () => {
    test('doubles from the initial delay up to the maximum', () => {
        const options = { initialDelay: 100, maxDelay: 1000, factor: 2, jitter: 0 };
        const delays = [1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, options));
        assert.deepEqual(delays, [100, 200, 400, 800, 1000, 1000]);
    });

    test('jitter takes away at most its share of the delay', () => {
        const options = { initialDelay: 1000, maxDelay: 30000, factor: 2, jitter: 0.5 };
        assert.equal(backoffDelay(3, options, () => 0), 4000);
        assert.equal(backoffDelay(3, options, () => 0.5), 3000);
        assert.equal(backoffDelay(3, options, () => 0.999999), 2000);
        for (let i = 0; i < 1000; i++) {
            const d = backoffDelay(2, options);
            assert.ok(d >= 1000 && d <= 2000, `delay ${d} outside [1000, 2000]`);
        }
    });
});

describe('against the sample app /echo route', () => {
    test('echoes text, binary and JSON, with permessage-deflate negotiated', async () => {
        const client = new WebSocketClient(echoUrl(), { WebSocket: echoWebSocket(), reconnect: false });
        await client.once('open');
        assert.equal(client.state, State.OPEN);
        assert.match(client.extensions, /permessage-deflate/);

        const replies = [];
        client.on('message', (e) => replies.push(e));
        assert.equal(client.send('hello'), true);
        const bytes = new Uint8Array(3000).map((_, i) => i % 251);
        client.send(bytes);
        client.sendJson({ type: 'greeting', text: 'gr\u00fc\u00df dich \u{1F600}', n: 42 });
        const long = 'x'.repeat(200_000);
        client.send(long);
        await waitFor(() => replies.length === 4, 'four echoes');

        assert.equal(replies[0].data, 'hello');
        assert.equal(replies[0].isText, true);
        assert.ok(replies[1].data instanceof ArrayBuffer);
        assert.deepEqual(new Uint8Array(replies[1].data), bytes);
        assert.deepEqual(replies[2].json(), { type: 'greeting', text: 'gr\u00fc\u00df dich \u{1F600}', n: 42 });
        assert.equal(replies[3].data, long);

        const closed = await client.close(CloseCodes.NORMAL, 'bye');
        assert.equal(closed.code, 1000);
        assert.equal(closed.willReconnect, false);
        assert.equal(client.state, State.CLOSED);
    });

    test('a heartbeat answered by the echo keeps the connection open', async () => {
        const client = new WebSocketClient(echoUrl(), {
            WebSocket: echoWebSocket(), reconnect: false, heartbeat: { interval: 50, timeout: 1000 },
        });
        const events = record(client);
        await client.once('open');
        await sleep(2500); // well past the timeout: only the echoed heartbeats keep it open
        assert.equal(client.state, State.OPEN);
        const pings = events.filter((e) => e.type === 'message' && e.data === '{"type":"ping"}');
        assert.ok(pings.length >= 10, `expected the echoed heartbeats, got ${pings.length}`);
        assert.deepEqual(events.filter((e) => e.type === 'error'), []);
        await client.close();
    });
});

describe('connecting', () => {
    let server;
    after(() => server?.close());

    test('offers the subprotocols and reports the one the server chose', async () => {
        server = await startServer(() => {}, {
            handleProtocols: (protocols) => (protocols.has('chat.v2') ? 'chat.v2' : false),
        });
        const client = new WebSocketClient(server.url, { WebSocket, protocols: ['chat.v1', 'chat.v2'] });
        const open = await client.once('open');
        assert.equal(open.protocol, 'chat.v2');
        assert.equal(open.reconnected, false);
        assert.equal(client.protocol, 'chat.v2');
        await client.close();
        await server.close();
        server = null;
    });

    test('a URL function is called for every attempt', async () => {
        const paths = [];
        server = await startServer((socket, index, request) => {
            paths.push(request.url);
            if (index === 0) {
                socket.close(1001, 'restart');
            }
        });
        let n = 0;
        const client = new WebSocketClient(() => `${server.url}?attempt=${n++}`, { WebSocket, reconnect: FAST });
        await waitFor(() => paths.length === 2, 'the second connection');
        assert.deepEqual(paths, ['/test?attempt=0', '/test?attempt=1']);
        await client.close();
        await server.close();
        server = null;
    });

    test('fails at once without a WebSocket constructor', () => {
        assert.throws(() => new WebSocketClient('ws://127.0.0.1:1/', { WebSocket: null, autoConnect: false }),
            /No WebSocket constructor/);
    });
});

describe('reconnection', () => {
    let server;
    after(() => server?.close());

    test('comes back after the server closes with 1001, waiting longer each time', async () => {
        // the first three connections are closed at once with 1001, the fourth stays
        server = await startServer((socket, index) => {
            if (index < 3) {
                socket.close(1001, 'going away');
            } else {
                socket.on('message', (data) => socket.send(data.toString()));
            }
        });
        const client = new WebSocketClient(server.url, { WebSocket, reconnect: FAST });
        const events = record(client);
        await waitFor(() => events.filter((e) => e.type === 'open').length === 4, 'the fourth open');

        const reconnecting = events.filter((e) => e.type === 'reconnecting');
        assert.deepEqual(reconnecting.map((e) => [e.attempt, e.delay, e.code, e.reason]),
            [[1, 20, 1001, 'going away'], [2, 40, 1001, 'going away'], [3, 80, 1001, 'going away']]);
        const closes = events.filter((e) => e.type === 'close');
        assert.deepEqual(closes.map((e) => [e.code, e.willReconnect]), [[1001, true], [1001, true], [1001, true]]);
        assert.deepEqual(events.filter((e) => e.type === 'open').map((e) => e.reconnected), [false, true, true, true]);
        assert.deepEqual(events.filter((e) => e.type === 'state').map((e) => e.state),
            ['open', 'reconnecting', 'open', 'reconnecting', 'open', 'reconnecting', 'open']);
        assert.equal(server.connections.length, 4);

        client.send('still here');
        const reply = await client.once('message');
        assert.equal(reply.data, 'still here');
        await client.close();
        await server.close();
        server = null;
    });

    test('comes back after the connection drops without a close frame (1006)', async () => {
        server = await startServer((socket, index) => {
            if (index === 0) {
                socket.terminate();
            }
        });
        const client = new WebSocketClient(server.url, { WebSocket, reconnect: FAST });
        const events = record(client);
        await waitFor(() => events.filter((e) => e.type === 'open').length === 2, 'the second open');
        const close = events.find((e) => e.type === 'close');
        assert.equal(close.code, 1006);
        assert.equal(close.wasClean, false);
        assert.equal(close.willReconnect, true);
        await client.close();
        await server.close();
        server = null;
    });

    for (const code of [...DEFAULT_FATAL_CLOSE_CODES, 4001]) {
        test(`stops on close code ${code}`, async () => {
            server = await startServer((socket) => socket.close(code, 'do not come back'));
            const client = new WebSocketClient(server.url, { WebSocket, reconnect: FAST, fatalCloseCodes: [4001] });
            const events = record(client);
            const close = await client.once('close');
            assert.equal(close.code, code);
            assert.equal(close.reason, 'do not come back');
            assert.equal(close.willReconnect, false);
            assert.equal(client.state, State.CLOSED);
            await sleep(150); // several times the first retry delay
            assert.equal(server.connections.length, 1);
            assert.deepEqual(events.filter((e) => e.type === 'reconnecting'), []);
            assert.throws(() => client.send('late'), /closed/);
            await server.close();
            server = null;
        });
    }

    test('an application code it was not told about is retried', async () => {
        server = await startServer((socket, index) => index === 0 && socket.close(4002, 'retry me'));
        const client = new WebSocketClient(server.url, { WebSocket, reconnect: FAST, fatalCloseCodes: [4001] });
        const events = record(client);
        await waitFor(() => events.filter((e) => e.type === 'open').length === 2, 'the second open');
        assert.equal(events.find((e) => e.type === 'close').code, 4002);
        await client.close();
        await server.close();
        server = null;
    });

    test('gives up after maxAttempts', async () => {
        server = await startServer((socket) => socket.close(1011, 'broken'));
        const client = new WebSocketClient(server.url, { WebSocket, reconnect: { ...FAST, maxAttempts: 2 } });
        const events = record(client);
        await waitFor(() => client.state === State.CLOSED, 'the client to give up');
        assert.equal(server.connections.length, 3); // the first connection and two attempts
        assert.deepEqual(events.filter((e) => e.type === 'close').map((e) => e.willReconnect), [true, true, false]);
        await server.close();
        server = null;
    });

    test('shouldReconnect decides, told the default and whether the socket opened', async () => {
        // 1001 would be retried and 1000 not: the hook says the opposite of each
        server = await startServer((socket, index) => {
            if (index === 0) {
                socket.close(1000, 'done');
            } else if (index === 1) {
                socket.close(1001, 'going away');
            }
        });
        const asked = [];
        const client = new WebSocketClient(server.url, {
            WebSocket,
            reconnect: FAST,
            shouldReconnect: (event) => {
                asked.push([event.code, event.opened, event.attempt, event.byDefault]);
                return event.code === 1000;
            },
        });
        const events = record(client);
        await waitFor(() => client.state === State.CLOSED, 'the client to stop');
        assert.deepEqual(asked, [[1000, true, 1, false], [1001, true, 2, true]]);
        assert.deepEqual(events.filter((e) => e.type === 'close').map((e) => [e.code, e.willReconnect]),
            [[1000, true], [1001, false]]);
        await sleep(150);
        assert.equal(server.connections.length, 2);
        await server.close();
        server = null;
    });

    test('a hook that throws is reported and the default stands', async () => {
        server = await startServer((socket, index) => index === 0 && socket.close(1001, 'restart'));
        const reported = [];
        const original = globalThis.reportError;
        globalThis.reportError = (error) => reported.push(error.message);
        try {
            const client = new WebSocketClient(server.url, {
                WebSocket,
                reconnect: FAST,
                shouldReconnect: () => {
                    throw new Error('hook bug');
                },
            });
            await waitFor(() => server.connections.length === 2 && client.state === State.OPEN, 'the reconnection');
            assert.deepEqual(reported, ['hook bug']);
            await client.close();
        } finally {
            globalThis.reportError = original;
        }
        await server.close();
        server = null;
    });

    test('a refused handshake (401) is a 1006 that never opened: maxAttempts ends the retries', async () => {
        server = await startServer(() => {}, { verifyClient: (info, done) => done(false, 401, 'Unauthorized') });
        const asked = [];
        const client = new WebSocketClient(server.url, {
            WebSocket,
            reconnect: { ...FAST, maxAttempts: 3 },
            shouldReconnect: (event) => {
                asked.push([event.code, event.opened]);
                return event.byDefault;
            },
        });
        const events = record(client);
        await waitFor(() => client.state === State.CLOSED, 'the client to give up');
        const closes = events.filter((e) => e.type === 'close');
        assert.deepEqual(closes.map((e) => [e.code, e.willReconnect]),
            [[1006, true], [1006, true], [1006, true], [1006, false]]);
        assert.deepEqual(asked, [[1006, false], [1006, false], [1006, false]]);
        assert.deepEqual(events.filter((e) => e.type === 'open'), []);
        await server.close();
        server = null;
    });

    test('close() while waiting to reconnect stops it', async () => {
        server = await startServer((socket) => socket.close(1001, 'bye'));
        const client = new WebSocketClient(server.url, { WebSocket, reconnect: { ...FAST, initialDelay: 100 } });
        await client.once('reconnecting');
        const closed = await client.close(1000, 'enough');
        assert.equal(closed.code, 1000);
        assert.equal(closed.willReconnect, false);
        await sleep(250);
        assert.equal(server.connections.length, 1);
        assert.equal(client.state, State.CLOSED);
        await server.close();
        server = null;
    });

    test('connect() after a fatal close starts again', async () => {
        server = await startServer((socket, index) => index === 0 && socket.close(1008, 'policy'));
        const client = new WebSocketClient(server.url, { WebSocket, reconnect: FAST });
        await client.once('close');
        assert.equal(client.state, State.CLOSED);
        client.connect();
        assert.equal(client.state, State.CONNECTING);
        await client.once('open');
        assert.equal(server.connections.length, 2);
        await client.close();
        await server.close();
        server = null;
    });
});

describe('the send queue', () => {
    let server;
    after(() => server?.close());

    test('messages sent while reconnecting go out in order after the open listeners', async () => {
        const received = [];
        server = await startServer((socket, index) => {
            if (index === 0) {
                socket.close(1001, 'restart');
            } else {
                socket.on('message', (data) => received.push(data.toString()));
            }
        });
        const client = new WebSocketClient(server.url, { WebSocket, reconnect: { ...FAST, initialDelay: 150 } });
        client.on('open', (e) => e.reconnected && client.send('join'));
        await client.once('reconnecting');
        assert.equal(client.state, State.RECONNECTING);
        assert.equal(client.send('one'), false);
        assert.equal(client.sendJson({ n: 2 }), false);
        client.send(new Uint8Array([1, 2, 3]));
        assert.equal(client.queuedMessages, 3);

        await waitFor(() => received.length === 4, 'four messages at the server');
        assert.deepEqual(received, ['join', 'one', '{"n":2}', '\u0001\u0002\u0003']);
        assert.equal(client.queuedMessages, 0);
        await client.close();
        await server.close();
        server = null;
    });

    test('messages sent before the first open are queued too', async () => {
        const received = [];
        server = await startServer((socket) => socket.on('message', (data) => received.push(data.toString())));
        const client = new WebSocketClient(server.url, { WebSocket });
        assert.equal(client.state, State.CONNECTING);
        assert.equal(client.send('early'), false);
        await waitFor(() => received.length === 1, 'the early message');
        assert.deepEqual(received, ['early']);
        await client.close();
        await server.close();
        server = null;
    });

    test('is bounded in messages and in bytes', async () => {
        const client = new WebSocketClient('ws://127.0.0.1:9/', {
            WebSocket, autoConnect: false, maxQueuedMessages: 3, maxQueuedBytes: 10,
        });
        assert.throws(() => client.send('x'), /closed/);
        // a client that cannot connect (port 9 is closed) stays in reconnecting and queues
        const unreachable = new WebSocketClient('ws://127.0.0.1:9/', {
            WebSocket, maxQueuedMessages: 3, maxQueuedBytes: 10, reconnect: { ...FAST, initialDelay: 1000 },
        });
        assert.equal(unreachable.send('abc'), false);
        assert.equal(unreachable.send('def'), false);
        assert.throws(() => unreachable.send('\u00e9\u00e9\u00e9'), QueueFullError); // 3 + 3 + 6 bytes > 10
        assert.equal(unreachable.send('ghij'), false);
        assert.throws(() => unreachable.send('k'), (e) => e instanceof QueueFullError && /3 messages/.test(e.message));
        assert.equal(unreachable.queuedMessages, 3);
        const closed = await unreachable.close();
        assert.deepEqual(closed.unsent, ['abc', 'def', 'ghij']);
        assert.equal(unreachable.queuedMessages, 0);
    });
});

describe('timeouts', () => {
    test('a server that accepts TCP but never answers the handshake is given up after connectTimeout', async () => {
        const sockets = [];
        const tcp = net.createServer((s) => sockets.push(s));
        tcp.listen(0, '127.0.0.1');
        await once(tcp, 'listening');
        try {
            const client = new WebSocketClient(`ws://127.0.0.1:${tcp.address().port}/`, {
                WebSocket, connectTimeout: 100, reconnect: { ...FAST, maxAttempts: 2 },
            });
            const events = record(client);
            await waitFor(() => client.state === State.CLOSED, 'the client to give up', 3000);
            assert.equal(sockets.length, 3);
            const errors = events.filter((e) => e.type === 'error' && /No connection within 100 ms/.test(e.message));
            assert.equal(errors.length, 3);
            assert.deepEqual(events.filter((e) => e.type === 'close').map((e) => e.code), [1006, 1006, 1006]);
        } finally {
            sockets.forEach((s) => s.destroy());
            tcp.close();
        }
    });

    test('a connection on which nothing arrives for the heartbeat timeout is replaced', async () => {
        // the first server connection swallows everything (a dead peer); the second answers
        const server = await startServer((socket, index) => {
            if (index > 0) {
                socket.on('message', (data) => socket.send(data.toString()));
            }
        });
        try {
            const client = new WebSocketClient(server.url, {
                WebSocket, reconnect: FAST, heartbeat: { interval: 30, timeout: 120, message: 'ping?' },
            });
            const events = record(client);
            await waitFor(() => events.filter((e) => e.type === 'open').length === 2, 'the second open', 3000);
            const error = events.find((e) => e.type === 'error');
            assert.match(error.message, /Nothing received for 120 ms/);
            const close = events.find((e) => e.type === 'close');
            assert.deepEqual([close.code, close.willReconnect], [1006, true]);
            const reply = await client.once('message');
            assert.equal(reply.data, 'ping?');
            await client.close();
        } finally {
            await server.close();
        }
    });
});

describe('listeners', () => {
    test('on() returns a function that removes the listener; a throwing listener does not stop the others', async () => {
        const server = await startServer((socket) => socket.on('message', (data) => socket.send(data.toString())));
        const originalError = console.error;
        const reported = [];
        console.error = (e) => reported.push(e);
        try {
            const client = new WebSocketClient(server.url, { WebSocket });
            const seen = [];
            client.on('message', () => {
                throw new Error('listener bug');
            });
            const off = client.on('message', (e) => seen.push(`a:${e.data}`));
            client.on('message', (e) => seen.push(`b:${e.data}`));
            await client.once('open');
            client.send('1');
            await waitFor(() => seen.length === 2, 'two listener calls');
            off();
            client.send('2');
            await waitFor(() => seen.length === 3, 'one listener call');
            assert.deepEqual(seen, ['a:1', 'b:1', 'b:2']);
            assert.equal(reported.length, 2);
            assert.match(String(reported[0]), /listener bug/);
            await client.close();
        } finally {
            console.error = originalError;
            await server.close();
        }
    });
});

describe('WebSocket-style listeners', () => {
    let server;
    after(() => server?.close());

    test('addEventListener and removeEventListener share the list of on() and off()', async () => {
        server = await startServer((socket) => socket.on('message', (data) => socket.send(data.toString())));
        const client = new WebSocketClient(server.url, { WebSocket });
        const seen = [];
        const a = (e) => seen.push(`a:${e.data}`);
        const b = (e) => seen.push(`b:${e.data}`);
        client.addEventListener('message', a);
        client.addEventListener('message', a); // added twice, called once, as on an EventTarget
        client.on('message', b);
        client.addEventListener('message', null); // ignored, as on an EventTarget
        await client.once('open');
        client.send('1');
        await waitFor(() => seen.length === 2, 'two listener calls');
        client.removeEventListener('message', b); // added with on()
        client.send('2');
        await waitFor(() => seen.length === 3, 'the third listener call');
        client.off('message', a); // added with addEventListener()
        client.send('3');
        const last = await client.once('message');
        assert.equal(last.data, '3');
        assert.deepEqual(seen, ['a:1', 'b:1', 'a:2']);
        await client.close();
        await server.close();
        server = null;
    });

    test('onopen, onmessage, onclose fire beside the listeners; null removes them', async () => {
        server = await startServer((socket) => socket.on('message', (data) => socket.send(data.toString())));
        const client = new WebSocketClient(server.url, { WebSocket, autoConnect: false });
        const seen = [];
        assert.equal(client.onopen, null);
        assert.equal(client.onmessage, null);
        client.addEventListener('message', (e) => seen.push(`listener:${e.data}`));
        const onmessage = function (e) {
            assert.equal(this, client);
            seen.push(`onmessage:${e.data}`);
        };
        client.onmessage = onmessage;
        client.addEventListener('message', (e) => seen.push(`later:${e.data}`));
        assert.equal(client.onmessage, onmessage);
        const opened = new Promise((resolve) => {
            client.onopen = (e) => resolve(e);
        });
        client.connect();
        const open = await opened;
        assert.equal(open.type, 'open');
        assert.equal(open.target, client);

        client.send('1');
        await waitFor(() => seen.length === 3, 'three calls');
        // replaced: the new handler keeps the place of the first one
        client.onmessage = (e) => seen.push(`replaced:${e.data}`);
        client.send('2');
        await waitFor(() => seen.length === 6, 'six calls');
        client.onmessage = null;
        assert.equal(client.onmessage, null);
        client.send('3');
        await waitFor(() => seen.length === 8, 'eight calls');
        client.onmessage = 'not a function'; // as on a WebSocket: anything but a function is null
        assert.equal(client.onmessage, null);
        assert.deepEqual(seen, ['listener:1', 'onmessage:1', 'later:1', 'listener:2', 'replaced:2', 'later:2',
            'listener:3', 'later:3']);

        const closes = [];
        client.onclose = (e) => closes.push(['onclose', e.code]);
        client.addEventListener('close', (e) => closes.push(['listener', e.code]));
        await client.close(1000, 'bye');
        assert.deepEqual(closes, [['onclose', 1000], ['listener', 1000]]);
        await server.close();
        server = null;
    });

    test('onerror fires for a socket error, beside the error listeners', async () => {
        const client = new WebSocketClient('ws://127.0.0.1:9/', { WebSocket, reconnect: false, autoConnect: false });
        const errors = [];
        client.onerror = (e) => errors.push(['onerror', e.message]);
        client.addEventListener('error', (e) => errors.push(['listener', e.message]));
        client.connect();
        const closed = await client.once('close');
        assert.equal(closed.code, 1006);
        assert.deepEqual(errors, [['onerror', 'WebSocket error'], ['listener', 'WebSocket error']]);
    });
});

describe('giving up', () => {
    let server;
    after(() => server?.close());

    /** The events a client gives after it stopped by itself: the last close, then giveup. */
    async function stopped(client) {
        const events = record(client);
        const giveups = [];
        client.on('giveup', (e) => giveups.push(e));
        await waitFor(() => client.state === State.CLOSED && giveups.length > 0, 'the giveup event');
        return { events, giveup: giveups[0], giveups };
    }

    test('after maxAttempts: why, the last code and the number of attempts', async () => {
        server = await startServer((socket) => socket.close(1011, 'broken'));
        const client = new WebSocketClient(server.url, { WebSocket, reconnect: { ...FAST, maxAttempts: 2 } });
        const { events, giveup, giveups } = await stopped(client);
        assert.equal(giveup.why, GiveUpReason.MAX_ATTEMPTS);
        assert.equal(giveup.why, 'max-attempts');
        assert.deepEqual([giveup.code, giveup.reason, giveup.attempts], [1011, 'broken', 2]);
        assert.match(giveup.message, /after 2 reconnection attempts/);
        assert.equal(giveup.target, client);
        assert.equal(giveups.length, 1);
        // the giveup event comes after the last close event, once the client is closed
        const last = events.filter((e) => e.type === 'close').pop();
        assert.equal(last.willReconnect, false);
        await server.close();
        server = null;
    });

    test('after a fatal close code', async () => {
        server = await startServer((socket) => socket.close(1008, 'policy'));
        const client = new WebSocketClient(server.url, { WebSocket, reconnect: FAST });
        const { giveup } = await stopped(client);
        assert.deepEqual([giveup.why, giveup.code, giveup.reason, giveup.attempts],
            [GiveUpReason.FATAL_CLOSE_CODE, 1008, 'policy', 0]);
        await server.close();
        server = null;
    });

    test('when shouldReconnect says no', async () => {
        server = await startServer((socket) => socket.close(1001, 'restart'));
        const client = new WebSocketClient(server.url, { WebSocket, reconnect: FAST, shouldReconnect: () => false });
        const { giveup } = await stopped(client);
        assert.deepEqual([giveup.why, giveup.code], [GiveUpReason.SHOULD_RECONNECT, 1001]);
        await server.close();
        server = null;
    });

    test('with reconnect: false', async () => {
        server = await startServer((socket) => socket.close(1001, 'restart'));
        const client = new WebSocketClient(server.url, { WebSocket, reconnect: false });
        const { giveup } = await stopped(client);
        assert.deepEqual([giveup.why, giveup.code], [GiveUpReason.RECONNECT_DISABLED, 1001]);
        await server.close();
        server = null;
    });

    test('when the WebSocket constructor refuses the URL', async () => {
        const client = new WebSocketClient('http//not a url', { WebSocket, reconnect: FAST, autoConnect: false });
        const giveups = [];
        client.on('giveup', (e) => giveups.push(e));
        client.connect();
        assert.equal(client.state, State.CLOSED);
        assert.deepEqual(giveups.map((e) => [e.why, e.code]), [[GiveUpReason.INVALID_ARGUMENTS, 1006]]);
    });

    test('not after close(): the application stopped it', async () => {
        server = await startServer(() => {});
        const client = new WebSocketClient(server.url, { WebSocket, reconnect: FAST });
        const giveups = [];
        client.on('giveup', (e) => giveups.push(e));
        await client.once('open');
        await client.close();
        await sleep(50);
        assert.deepEqual(giveups, []);
        await server.close();
        server = null;
    });
});

/**
 * A stand-in for a browser window: an EventTarget with navigator.onLine, which counts the
 * listeners added to it.
 */
class FakeWindow extends EventTarget {
    navigator = { onLine: true };
    listeners = 0;

    addEventListener(type, listener) {
        this.listeners++;
        super.addEventListener(type, listener);
    }

    removeEventListener(type, listener) {
        this.listeners--;
        super.removeEventListener(type, listener);
    }

    goOffline() {
        this.navigator.onLine = false;
        this.dispatchEvent(new Event('offline'));
    }

    goOnline() {
        this.navigator.onLine = true;
        this.dispatchEvent(new Event('online'));
    }
}

describe('offline and online', () => {
    let server;
    after(() => server?.close());

    test('offline drops the open socket at once and waits; online reconnects at once', async () => {
        const closedAtServer = [];
        server = await startServer((socket, index) => {
            socket.on('close', () => closedAtServer.push(index));
            socket.on('message', (data) => socket.send(data.toString()));
        });
        const network = new FakeWindow();
        // a first delay far longer than the test: only the online event can bring it back in time
        const client = new WebSocketClient(server.url, { WebSocket, network, reconnect: { ...FAST, initialDelay: 60000 } });
        const events = record(client);
        await client.once('open');
        assert.equal(network.listeners, 2);

        network.goOffline();
        assert.equal(client.state, State.RECONNECTING);
        const close = events.find((e) => e.type === 'close');
        assert.deepEqual([close.code, close.reason, close.wasClean, close.willReconnect], [1006, 'offline', false, true]);
        assert.equal(client.attempt, 0, 'going offline spends no attempt');
        assert.deepEqual(events.filter((e) => e.type === 'reconnecting'), []);
        await waitFor(() => closedAtServer.length === 1, 'the server to see the old socket close');
        assert.equal(client.send('queued while offline'), false);
        await sleep(100);
        assert.equal(server.connections.length, 1, 'no attempt while offline');

        network.goOnline();
        await client.once('open');
        assert.deepEqual(events.filter((e) => e.type === 'reconnecting').map((e) => [e.attempt, e.delay]), [[1, 0]]);
        assert.deepEqual(events.filter((e) => e.type === 'network').map((e) => e.online), [false, true]);
        assert.deepEqual(events.filter((e) => e.type === 'state').map((e) => e.state), ['open', 'reconnecting', 'open']);
        const echo = await client.once('message');
        assert.equal(echo.data, 'queued while offline');

        await client.close();
        assert.equal(network.listeners, 0, 'close() removes the network listeners');
        network.goOffline();
        network.goOnline();
        await sleep(50);
        assert.equal(client.state, State.CLOSED);
        assert.equal(server.connections.length, 2);
        await server.close();
        server = null;
    });

    test('online ends the wait for the next attempt and starts the backoff over', async () => {
        server = await startServer((socket, index) => index < 3 && socket.close(1011, 'broken'));
        const network = new FakeWindow();
        const client = new WebSocketClient(server.url, {
            WebSocket, network, reconnect: { initialDelay: 20, factor: 100, maxDelay: 60000, jitter: 0 },
        });
        const reconnecting = [];
        client.on('reconnecting', (e) => reconnecting.push([e.attempt, e.delay]));
        // 20 ms, then 2000 ms: the online event ends the second wait
        await waitFor(() => reconnecting.length === 2, 'the second wait');
        network.dispatchEvent(new Event('online'));
        await waitFor(() => reconnecting.length === 3, 'the attempt the online event starts', 1000);
        assert.deepEqual(reconnecting, [[1, 20], [2, 2000], [1, 0]]);
        // the backoff started over: that attempt's failure is followed by attempt 2, not 3
        await waitFor(() => reconnecting.length === 4, 'the wait after the third connection', 1000);
        assert.deepEqual(reconnecting, [[1, 20], [2, 2000], [1, 0], [2, 2000]]);
        assert.equal(server.connections.length, 3);
        await client.close();
        await server.close();
        server = null;
    });

    test('a connection lost while offline spends no attempts: the client waits for the network', async () => {
        server = await startServer(() => {});
        const network = new FakeWindow();
        const client = new WebSocketClient(server.url, { WebSocket, network, reconnect: { ...FAST, maxAttempts: 1 } });
        const events = record(client);
        await client.once('open');
        network.navigator.onLine = false; // offline, the event not (yet) dispatched
        server.connections[0].terminate();
        await waitFor(() => events.some((e) => e.type === 'close'), 'the connection to drop');
        // online, attempt 1 would go out after 20 ms, fail (the network is down) and end the client
        await sleep(150);
        assert.equal(client.state, State.RECONNECTING);
        assert.equal(client.attempt, 0);
        assert.deepEqual(events.filter((e) => e.type === 'reconnecting' || e.type === 'giveup'), []);
        assert.equal(server.connections.length, 1);
        network.goOnline();
        await client.once('open');
        assert.equal(server.connections.length, 2);
        await client.close();
        await server.close();
        server = null;
    });

    test('offline while an attempt waits cancels it until online', async () => {
        server = await startServer((socket, index) => index === 0 && socket.close(1001, 'restart'));
        const network = new FakeWindow();
        const client = new WebSocketClient(server.url, { WebSocket, network, reconnect: { ...FAST, initialDelay: 50 } });
        await client.once('reconnecting');
        network.goOffline();
        await sleep(150); // three times the delay
        assert.equal(server.connections.length, 1);
        assert.equal(client.state, State.RECONNECTING);
        network.goOnline();
        await client.once('open');
        assert.equal(server.connections.length, 2);
        await client.close();
        await server.close();
        server = null;
    });

    test('follows the global scope by default when it has addEventListener and navigator.onLine', async () => {
        server = await startServer(() => {});
        const window = new FakeWindow();
        const saved = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
        Object.defineProperty(globalThis, 'navigator', { value: window.navigator, configurable: true, writable: true });
        globalThis.addEventListener = window.addEventListener.bind(window);
        globalThis.removeEventListener = window.removeEventListener.bind(window);
        try {
            const client = new WebSocketClient(server.url, { WebSocket, reconnect: FAST });
            await client.once('open');
            assert.equal(window.listeners, 2);
            window.goOffline();
            assert.equal(client.state, State.RECONNECTING);
            await client.close();
            assert.equal(window.listeners, 0);
            // network: null ignores the network
            const ignoring = new WebSocketClient(server.url, { WebSocket, reconnect: FAST, network: null });
            await ignoring.once('open');
            assert.equal(window.listeners, 0);
            await ignoring.close();
        } finally {
            delete globalThis.addEventListener;
            delete globalThis.removeEventListener;
            if (saved) {
                Object.defineProperty(globalThis, 'navigator', saved);
            } else {
                delete globalThis.navigator;
            }
        }
        await server.close();
        server = null;
    });
});

describe('UTF-8 sizes', () => {
    let server;
    after(() => server?.close());

    test('a string is never encoded by the client: the queue counts its UTF-8 bytes from its code units', async () => {
        const received = [];
        server = await startServer((socket, index) => {
            if (index === 0) {
                socket.close(1001, 'restart');
            } else {
                socket.on('message', (data, isBinary) => received.push(isBinary ? data : data.toString()));
            }
        });
        const encoded = [];
        const OriginalTextEncoder = globalThis.TextEncoder;
        globalThis.TextEncoder = class extends OriginalTextEncoder {
            encode(text) {
                encoded.push(text);
                return super.encode(text);
            }
        };
        try {
            const client = new WebSocketClient(server.url, { WebSocket, reconnect: { ...FAST, initialDelay: 100 } });
            const queue = [];
            client.on('queue', (e) => queue.push(e.bytes));
            await client.once('reconnecting');
            const messages = ['a', '\u00e9', '\u20ac', '\u{1F600}', 'x\ud800y', '\udc00', 'gr\u00fc\u00df \u{1F44B}'];
            for (const m of messages) {
                assert.equal(client.send(m), false);
            }
            client.send(new Uint8Array(5));
            // 1 + 2 + 3 + 4 + (1 + 3 + 1) + 3 + (2 + 2 + 2 + 1 + 4) + 5
            assert.deepEqual(queue, [1, 3, 6, 10, 15, 18, 29, 34]);
            assert.equal(OriginalTextEncoder.prototype.encode.call(new OriginalTextEncoder(), 'gr\u00fc\u00df \u{1F44B}').length, 11);
            await waitFor(() => received.length === messages.length + 1, 'the queued messages at the server');
            assert.equal(queue.at(-1), 0);
            // the socket sent lone surrogates as U+FFFD
            assert.deepEqual(received.slice(0, messages.length),
                ['a', '\u00e9', '\u20ac', '\u{1F600}', 'x\ufffdy', '\ufffd', 'gr\u00fc\u00df \u{1F44B}']);
            // sent while open: not counted at all
            client.send('\u00e9t\u00e9');
            await waitFor(() => received.length === messages.length + 2, 'the last message');
            assert.deepEqual(encoded, [], 'the client encoded a string itself');
            await client.close();
        } finally {
            globalThis.TextEncoder = OriginalTextEncoder;
        }
        await server.close();
        server = null;
    });

    test('the byte bound counts four bytes for a character outside the BMP', async () => {
        const client = new WebSocketClient('ws://127.0.0.1:9/', {
            WebSocket, maxQueuedBytes: 8, reconnect: { ...FAST, initialDelay: 1000 },
        });
        assert.equal(client.send('\u{1F600}'), false);
        assert.equal(client.send('\u{1F600}'), false);
        assert.throws(() => client.send('a'), (e) => e instanceof QueueFullError && /8 bytes/.test(e.message));
        assert.throws(() => client.send(42), TypeError);
        await client.close();
    });
});

/** A publication envelope as the server writes it. */
function envelope(topic, offset, epoch, data) {
    return JSON.stringify({ 'ws.pub': { topic, offset, epoch }, data });
}

/** A recovery notice as the server writes it. */
function notice(topic, recovered, missed, offset, epoch) {
    return JSON.stringify({ 'ws.recovery': { topic, recovered, missed, offset, epoch } });
}

/** The decoded ws-since values and the other parameters of a handshake's request URL. */
function sinceOf(requestUrl) {
    const params = new URL(requestUrl, 'http://127.0.0.1').searchParams;
    return { since: params.getAll('ws-since'), others: [...params].filter(([name]) => name !== 'ws-since') };
}

describe('topic positions and recovery', () => {
    const LIMIT = { timeout: 10000 };

    test('a publication at or before the topic\'s position in the same epoch is not delivered again', LIMIT, async () => {
        const server = await startServer((socket) => {
            socket.send(envelope('news', 5, 'e1', 'five'));
            socket.send(envelope('news', 5, 'e1', 'five again'));
            socket.send(envelope('news', 4, 'e1', 'four, late'));
            socket.send(envelope('news', 6, 'e1', 'six'));
            socket.send(envelope('news', 1, 'e2', 'one of a new epoch'));
            socket.send('end');
        });
        const client = new WebSocketClient(server.url, { WebSocket, reconnect: FAST });
        try {
            const messages = [];
            client.on('message', (e) => messages.push(e.data));
            await waitFor(() => messages.includes('end'), 'the last message');
            assert.deepEqual(messages, ['five', 'six', 'one of a new epoch', 'end']);
            assert.deepEqual(client.positions(), { news: { offset: 1, epoch: 'e2' } });
        } finally {
            await client.close();
            await server.close();
        }
    });

    test('a publication envelope is unwrapped: the message is its data, with topic, offset and epoch', LIMIT, async () => {
        const server = await startServer((socket) => {
            socket.send(envelope('chat.lobby', 7, 'e1', JSON.stringify({ text: 'gr\u00fc\u00df "dich"\n' })));
            socket.send('plain');
        });
        const client = new WebSocketClient(server.url, { WebSocket, reconnect: FAST });
        try {
            const messages = [];
            client.on('message', (e) => messages.push(e));
            await waitFor(() => messages.length === 2, 'two messages');
            const [pub, plain] = messages;
            assert.equal(pub.data, '{"text":"gr\u00fc\u00df \\"dich\\"\\n"}');
            assert.equal(pub.isText, true);
            assert.deepEqual([pub.topic, pub.offset, pub.epoch], ['chat.lobby', 7, 'e1']);
            assert.deepEqual(pub.json(), { text: 'gr\u00fc\u00df "dich"\n' });
            assert.equal(pub.type, 'message');
            assert.equal(pub.target, client);
            // an ordinary message has none of the publication's fields
            assert.equal(plain.data, 'plain');
            assert.ok(!('topic' in plain) && !('offset' in plain) && !('epoch' in plain));
            assert.deepEqual(client.positions(), { 'chat.lobby': { offset: 7, epoch: 'e1' } });
        } finally {
            await client.close();
            await server.close();
        }
    });

    test('a message that only looks like an envelope or a notice comes through unchanged', LIMIT, async () => {
        const malformed = [
            '{"ws.pub":',
            '{"ws.pub":{"topic":"t","offset":1,"epoch":"e"},"data":"x"',
            '{"ws.pub":null,"data":"x"}',
            '{"ws.pub":{"topic":"t","offset":-1,"epoch":"e"},"data":"x"}',
            '{"ws.pub":{"topic":"t","offset":1.5,"epoch":"e"},"data":"x"}',
            '{"ws.pub":{"topic":"t","offset":"1","epoch":"e"},"data":"x"}',
            '{"ws.pub":{"topic":"t","offset":1,"epoch":""},"data":"x"}',
            '{"ws.pub":{"topic":"","offset":1,"epoch":"e"},"data":"x"}',
            '{"ws.pub":{"topic":"t","offset":1,"epoch":"e"}}',
            '{"ws.pub":{"topic":"t","offset":1,"epoch":"e"},"data":{"text":"x"}}',
            '{"ws.pub":[],"data":"x"}',
            '{"ws.recovery":',
            '{"ws.recovery":{"topic":"t","recovered":"true","missed":0,"offset":1,"epoch":"e"}}',
            '{"ws.recovery":{"topic":"t","recovered":true,"offset":1,"epoch":"e"}}',
            '{"ws.recovery":{"topic":"t","recovered":true,"missed":0,"offset":1}}',
        ];
        const binary = Buffer.from(envelope('t', 1, 'e', 'x'));
        const server = await startServer((socket) => {
            malformed.forEach((m) => socket.send(m));
            socket.send(binary, { binary: true });
        });
        const client = new WebSocketClient(server.url, { WebSocket, reconnect: FAST });
        try {
            const events = record(client);
            const messages = () => events.filter((e) => e.type === 'message');
            await waitFor(() => messages().length === malformed.length + 1, 'every message');
            assert.deepEqual(messages().slice(0, -1).map((e) => e.data), malformed);
            for (const e of messages()) {
                assert.ok(!('topic' in e), `a topic on ${e.data}`);
            }
            // a binary message is never an envelope
            const last = messages().at(-1);
            assert.equal(last.isText, false);
            assert.deepEqual(new Uint8Array(last.data), new Uint8Array(binary));
            assert.deepEqual(events.filter((e) => e.type === 'recovery' || e.type === 'error'), []);
            assert.deepEqual(client.positions(), {});
        } finally {
            await client.close();
            await server.close();
        }
    });

    test('a recovery notice is a recovery event, not a message, and moves the position', LIMIT, async () => {
        const server = await startServer((socket) => {
            socket.send(envelope('news', 3, 'e1', 'three'));
            socket.send(notice('news', true, 2, 5, 'e1'));
            socket.send(notice('chat', false, 0, 40, 'e9'));
            // a topic without history: not recovered, and no position to ask from afterwards
            socket.send(envelope('plain', 2, 'e3', 'two'));
            socket.send(notice('plain', false, 0, 0, ''));
            socket.send('after');
        });
        const client = new WebSocketClient(server.url, { WebSocket, reconnect: FAST });
        try {
            const events = record(client);
            let seenByListener = null;
            client.on('recovery', (e) => {
                seenByListener ??= client.positions();
            });
            await waitFor(() => events.some((e) => e.type === 'message' && e.data === 'after'), 'the last message');
            const delivered = events.filter((e) => e.type === 'message' || e.type === 'recovery');
            assert.deepEqual(delivered.map((e) => [e.type, e.data]),
                [['message', 'three'], ['recovery', undefined], ['recovery', undefined], ['message', 'two'],
                    ['recovery', undefined], ['message', 'after']]);
            const [news, chat, plain] = delivered.filter((e) => e.type === 'recovery');
            assert.deepEqual([plain.topic, plain.recovered, plain.epoch], ['plain', false, '']);
            assert.deepEqual({ ...news, target: null },
                { type: 'recovery', target: null, topic: 'news', recovered: true, missed: 2, offset: 5, epoch: 'e1' });
            assert.equal(news.target, client);
            assert.deepEqual([chat.topic, chat.recovered, chat.missed, chat.offset, chat.epoch], ['chat', false, 0, 40, 'e9']);
            // the position is recorded before the listeners run
            assert.deepEqual(seenByListener, { news: { offset: 5, epoch: 'e1' } });
            assert.deepEqual(client.positions(), { news: { offset: 5, epoch: 'e1' }, chat: { offset: 40, epoch: 'e9' } });
        } finally {
            await client.close();
            await server.close();
        }
    });

    test('a reconnection asks for every topic since its last offset, keeping the other parameters', LIMIT, async () => {
        const urls = [];
        const server = await startServer((socket, index, request) => {
            urls.push(request.url);
            if (index === 0) {
                socket.send(envelope('chat.lobby', 1, 'e1', 'one'));
                socket.send(envelope('news', 5, 'e2', 'five'));
                socket.send(envelope('chat.lobby', 2, 'e1', 'two'));
                socket.send(envelope('a b/c~d&e=f', 3, 'e/1', 'odd'));
            }
        });
        const configured = `${server.url}?token=abc%20d&ws-since=stale~1~x&mode=r`;
        const client = new WebSocketClient(configured, { WebSocket, reconnect: FAST });
        try {
            const messages = [];
            client.on('message', (e) => messages.push(e.data));
            await waitFor(() => messages.length === 4, 'four publications');
            assert.deepEqual(messages, ['one', 'five', 'two', 'odd']);
            server.connections[0].terminate();
            await waitFor(() => urls.length === 2, 'the reconnection');
            // the first connection knew no position: the configured URL as it is
            assert.equal(urls[0], '/test?token=abc%20d&ws-since=stale~1~x&mode=r');
            // topics in the order they first came, each at its latest offset; the configured
            // parameters first, their exact form kept, the configured ws-since replaced
            assert.equal(urls[1], '/test?token=abc%20d&mode=r&ws-since=chat.lobby~2~e1&ws-since=news~5~e2'
                + `&ws-since=${encodeURIComponent('a b/c~d&e=f~3~e/1')}`);
            assert.deepEqual(sinceOf(urls[1]), {
                since: ['chat.lobby~2~e1', 'news~5~e2', 'a b/c~d&e=f~3~e/1'],
                others: [['token', 'abc d'], ['mode', 'r']],
            });
            // the server sees the connection before the client sees it open
            await waitFor(() => client.state === State.OPEN, 'the client open again');
        } finally {
            await client.close();
            await server.close();
        }
    });

    test('with recover: false, positions are tracked but a reconnection does not ask for them', LIMIT, async () => {
        const urls = [];
        const server = await startServer((socket, index, request) => {
            urls.push(request.url);
            if (index === 0) {
                socket.send(envelope('news', 9, 'e1', 'nine'));
            }
        });
        const client = new WebSocketClient(`${server.url}?k=v`, { WebSocket, reconnect: FAST, recover: false });
        try {
            const message = await client.once('message');
            assert.deepEqual([message.data, message.topic, message.offset, message.epoch], ['nine', 'news', 9, 'e1']);
            assert.deepEqual(client.positions(), { news: { offset: 9, epoch: 'e1' } });
            server.connections[0].terminate();
            await waitFor(() => urls.length === 2, 'the reconnection');
            assert.deepEqual(urls, ['/test?k=v', '/test?k=v']);
            assert.equal(client.url, `${server.url}?k=v`);
        } finally {
            await client.close();
            await server.close();
        }
    });

    test('the positions option is validated, copied, and forgetPosition removes one', LIMIT, async () => {
        const make = (positions) => new WebSocketClient('ws://127.0.0.1:9/', { WebSocket, autoConnect: false, positions });
        const invalid = [
            'news~1~e1', [], 42,
            { news: null }, { news: 'e1' },
            { news: { offset: -1, epoch: 'e1' } }, { news: { offset: 1.5, epoch: 'e1' } },
            { news: { offset: '1', epoch: 'e1' } }, { news: { offset: 2 ** 53, epoch: 'e1' } },
            { news: { offset: 1 } }, { news: { offset: 1, epoch: '' } }, { news: { offset: 1, epoch: 7 } },
            { '': { offset: 1, epoch: 'e1' } },
        ];
        for (const positions of invalid) {
            assert.throws(() => make(positions), (e) => e instanceof TypeError && /positions/.test(e.message),
                `positions: ${JSON.stringify(positions)}`);
        }
        assert.throws(() => new WebSocketClient('ws://127.0.0.1:9/', { WebSocket, autoConnect: false, recover: 'yes' }),
            (e) => e instanceof TypeError && /recover/.test(e.message));
        assert.deepEqual(make(undefined).positions(), {});
        assert.deepEqual(make(null).positions(), {});

        const seed = { news: { offset: 0, epoch: 'e1' }, chat: { offset: 12, epoch: 'e2', extra: true } };
        const client = make(seed);
        seed.news.offset = 99; // the client keeps its own copy
        const given = client.positions();
        assert.deepEqual(given, { news: { offset: 0, epoch: 'e1' }, chat: { offset: 12, epoch: 'e2' } });
        given.chat.offset = 50; // and so does the application
        delete given.news;
        assert.notEqual(client.positions(), given);
        assert.deepEqual(client.positions(), { news: { offset: 0, epoch: 'e1' }, chat: { offset: 12, epoch: 'e2' } });
        // a topic named like an Object.prototype member is a topic like any other
        const odd = make(JSON.parse('{"__proto__":{"offset":1,"epoch":"e"}}')).positions();
        assert.deepEqual(Object.keys(odd), ['__proto__']);
        assert.deepEqual(Object.getOwnPropertyDescriptor(odd, '__proto__').value, { offset: 1, epoch: 'e' });
        assert.equal(Object.getPrototypeOf(odd), Object.prototype);

        assert.equal(client.forgetPosition('news'), true);
        assert.equal(client.forgetPosition('news'), false);
        assert.equal(client.forgetPosition('never'), false);
        assert.deepEqual(client.positions(), { chat: { offset: 12, epoch: 'e2' } });
    });

    test('seeded positions go with the first connection too, and a notice updates them for the next', LIMIT, async () => {
        const urls = [];
        const server = await startServer((socket, index, request) => {
            urls.push(request.url);
            if (index === 0) {
                socket.send(notice('news', true, 3, 7, 'e1'));
                socket.send(notice('chat', false, 0, 2, 'e3'));
            }
        });
        const client = new WebSocketClient(`${server.url}?ws-since=app~1~z`, {
            WebSocket,
            reconnect: FAST,
            autoConnect: false,
            positions: { news: { offset: 4, epoch: 'e1' }, chat: { offset: 10, epoch: 'e2' }, gone: { offset: 1, epoch: 'e' } },
        });
        try {
            assert.equal(client.forgetPosition('gone'), true);
            const recoveries = [];
            client.on('recovery', (e) => recoveries.push(e));
            client.connect();
            await waitFor(() => recoveries.length === 2, 'two recovery notices');
            assert.equal(urls[0], '/test?ws-since=news~4~e1&ws-since=chat~10~e2');
            assert.deepEqual(recoveries.map((e) => [e.topic, e.recovered, e.missed]), [['news', true, 3], ['chat', false, 0]]);
            server.connections[0].terminate();
            await waitFor(() => urls.length === 2, 'the reconnection');
            assert.equal(urls[1], '/test?ws-since=news~7~e1&ws-since=chat~2~e3');
        } finally {
            await client.close();
            await server.close();
        }
    });

    test('the url property shows the parameters, before a fragment, for ws: and wss: URLs', LIMIT, () => {
        const positions = { 'chat/lobby': { offset: 3, epoch: 'e1' }, news: { offset: 0, epoch: 'e2' } };
        const since = 'ws-since=chat%2Flobby~3~e1&ws-since=news~0~e2';
        const urlOf = (url, options = {}) =>
            new WebSocketClient(url, { WebSocket, autoConnect: false, positions, ...options }).url;
        assert.equal(urlOf('wss://example.com/topics'), `wss://example.com/topics?${since}`);
        assert.equal(urlOf('ws://127.0.0.1:8081/topics?'), `ws://127.0.0.1:8081/topics?${since}`);
        assert.equal(urlOf('wss://example.com/t?a=1&b=x%26y#top'), `wss://example.com/t?a=1&b=x%26y&${since}#top`);
        assert.equal(urlOf('wss://example.com/t#frag?x=1'), `wss://example.com/t?${since}#frag?x=1`);
        assert.equal(urlOf('wss://example.com/t?WS-SINCE=keep&ws-since=old&ws%2Dsince=old2&ws-since'),
            `wss://example.com/t?WS-SINCE=keep&${since}`);
        let n = 0;
        assert.equal(urlOf(() => `wss://example.com/t?n=${++n}`), `wss://example.com/t?n=1&${since}`);
        assert.equal(urlOf('wss://example.com/t?ws-since=app', { recover: false }), 'wss://example.com/t?ws-since=app');
        assert.equal(urlOf('wss://example.com/t?ws-since=app', { positions: {} }), 'wss://example.com/t?ws-since=app');
    });
});

describe('the type declarations', () => {
    const declarations = readFileSync(path.resolve(here, '../websocket-client.d.ts'), 'utf8');

    test('declare exactly what the module exports', async () => {
        const module = await import('../websocket-client.js');
        const declared = [...declarations.matchAll(/^export declare (?:const|class|function) (\w+)/gm)].map((m) => m[1]);
        assert.deepEqual(declared.sort(), Object.keys(module).sort());
    });

    test('declare every public member of WebSocketClient, and no other', () => {
        const body = declarations.slice(declarations.indexOf('export declare class WebSocketClient {'));
        const declared = new Set([...body.matchAll(/^ {4}(?:readonly )?(\w+)[<(:]/gm)].map((m) => m[1]));
        declared.delete('constructor');
        const actual = new Set(Object.getOwnPropertyNames(WebSocketClient.prototype));
        actual.delete('constructor');
        assert.deepEqual([...declared].sort(), [...actual].sort());
    });
});
