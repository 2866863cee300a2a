// Misuse that the declarations must refuse: each line after a @ts-expect-error is an error, and
// tsc fails on a @ts-expect-error that has none, that is, when the declarations are too loose.
import { WebSocketClient, State, CloseCodes, GiveUpReason } from '@dev-seed/websocket-client';

const client = new WebSocketClient('ws://127.0.0.1:8081/echo');

// @ts-expect-error: a misspelled method
client.sendd('hello');
// @ts-expect-error: a misspelled event name
client.on('mesage', () => {});
// @ts-expect-error: no such event
client.addEventListener('opened', () => {});
// @ts-expect-error: once() of no such event
void client.once('disconnect');
// @ts-expect-error: a message event has no code
client.on('message', (event) => event.code);
// @ts-expect-error: a close event has no data
client.onclose = (event) => event.data;
// @ts-expect-error: a handler is a function or null
client.onopen = 'open';
// @ts-expect-error: an open listener given as a message handler
client.onmessage = (event: { reconnected: boolean }) => event.reconnected;
// @ts-expect-error: the state is read-only
client.state = State.OPEN;
// @ts-expect-error: no such state
const state: State = 'opening';
// @ts-expect-error: no such give-up reason
client.on('giveup', (event) => event.why === 'max-attemps');
// @ts-expect-error: the URL is a string or a function giving one
new WebSocketClient(8081);
// @ts-expect-error: maxAttempts is a number
new WebSocketClient('ws://127.0.0.1:8081/echo', { reconnect: { maxAttempts: 'three' } });
// @ts-expect-error: a misspelled option
new WebSocketClient('ws://127.0.0.1:8081/echo', { reconect: false });
// @ts-expect-error: a misspelled reconnect option
new WebSocketClient('ws://127.0.0.1:8081/echo', { reconnect: { initialDelayMs: 10 } });
// @ts-expect-error: protocols are strings
new WebSocketClient('ws://127.0.0.1:8081/echo', { protocols: [1] });
// @ts-expect-error: binaryType is 'arraybuffer' or 'blob'
new WebSocketClient('ws://127.0.0.1:8081/echo', { binaryType: 'nodebuffer' });
// @ts-expect-error: shouldReconnect returns a boolean
new WebSocketClient('ws://127.0.0.1:8081/echo', { shouldReconnect: () => 'yes' });
// @ts-expect-error: a heartbeat needs its interval
new WebSocketClient('ws://127.0.0.1:8081/echo', { heartbeat: { timeout: 100 } });
// @ts-expect-error: send() takes text or binary data, not an object
client.send({ type: 'message' });
// @ts-expect-error: close() takes a numeric code
void client.close('1000');
// @ts-expect-error: the close codes are read-only
CloseCodes.NORMAL = 1001;
// @ts-expect-error: GiveUpReason has no such member
void GiveUpReason.TIMEOUT;
// @ts-expect-error: a message's topic may be absent
client.on('message', (event) => event.topic.length);
// @ts-expect-error: a recovery event has no data
client.on('recovery', (event) => event.data);
// @ts-expect-error: recovered is a boolean
client.on('recovery', (event) => event.recovered === 'yes');
// @ts-expect-error: no such event ('recovery')
client.on('recovered', () => {});
// @ts-expect-error: recover is a boolean
new WebSocketClient('ws://127.0.0.1:8081/echo', { recover: 'yes' });
// @ts-expect-error: an offset is a number
new WebSocketClient('ws://127.0.0.1:8081/echo', { positions: { lobby: { offset: '4', epoch: 'e1' } } });
// @ts-expect-error: a position needs its epoch
new WebSocketClient('ws://127.0.0.1:8081/echo', { positions: { lobby: { offset: 4 } } });
// @ts-expect-error: forgetPosition() takes a topic name
client.forgetPosition(4);
// @ts-expect-error: positions() takes nothing: it returns them all
client.positions('lobby');
// @ts-expect-error: a position's offset is a number
const offset: string = client.positions()['lobby']!.offset;

void state;
void offset;
