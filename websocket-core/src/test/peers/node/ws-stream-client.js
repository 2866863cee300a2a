// Sends one large message with Node's `ws` package and checks the echo byte for byte: the peer of
// StreamingInteropTest, whose server streams messages far over its maximum message size.
//   node ws-stream-client.js <deflate|plain> <url> <bytes>
// Prints one JSON object per line on stdout.
'use strict';
const crypto = require('crypto');
const WebSocket = require(process.env.WS_MODULE || 'ws');

const [compression, url, size] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const bytes = Number(size);
const payload = Buffer.alloc(bytes);
for (let i = 0; i < bytes; i += 4096) payload[i] = (i / 4096) & 0xff; // compressible, not trivial
const sent = crypto.createHash('sha256').update(payload).digest('hex');

const ws = new WebSocket(url, { perMessageDeflate: compression === 'deflate', maxPayload: 2 * bytes });
ws.on('open', () => {
  out({ event: 'open', extensions: ws.extensions });
  ws.send(payload, { binary: true });
  ws.send('text after', { binary: false });
});
let echoes = 0;
ws.on('message', (data, isBinary) => {
  echoes++;
  if (isBinary) {
    const got = crypto.createHash('sha256').update(data).digest('hex');
    out({ event: 'echo', size: data.length, ok: got === sent });
  } else {
    out({ event: 'text', text: data.toString() });
    ws.close(1000, 'done');
  }
});
ws.on('close', (code) => { out({ event: 'close', code }); process.exit(0); });
ws.on('error', (e) => { out({ event: 'error', message: String(e) }); process.exit(1); });
