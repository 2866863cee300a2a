// Interoperability peer built on Node's `ws` package (npm), driven by the JUnit interop tests.
//   node ws-peer.js server <deflate|plain> [certPem keyPem]   echo server on 127.0.0.1, random port
//   node ws-peer.js client <deflate|plain> <url> [caPem]      runs the scripted exchange
// Prints one JSON object per line on stdout: what it saw, for the test to assert.
'use strict';
const fs = require('fs');
const https = require('https');
const WebSocket = require(process.env.WS_MODULE || 'ws');

const SIZES = [0, 125, 126, 65535, 65536, 1 << 20];
const MAX = 64 * 1024 * 1024;
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const [mode, compression, ...rest] = process.argv.slice(2);
const perMessageDeflate = compression === 'deflate' ? { threshold: 0 } : false;

function payload(size, binary) {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = binary ? (i * 31 + 7) & 0xff : 97 + (i % 26);
  return b;
}

function parts(buf) {
  const a = Math.floor(buf.length / 3);
  const b = Math.floor((2 * buf.length) / 3);
  return [buf.subarray(0, a), buf.subarray(a, b), buf.subarray(b)];
}

if (mode === 'server') {
  const [certFile, keyFile] = rest;
  const onConnection = (ws) => {
    out({ event: 'open', extensions: ws.extensions });
    ws.on('ping', (d) => out({ event: 'ping', payload: d.toString() }));
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? '' : data.toString();
      if (text.startsWith('close-me:')) {
        const [, code, reason] = text.split(':');
        ws.close(Number(code), reason);
        return;
      }
      ws.send(data, { binary: isBinary });
    });
    ws.on('close', (code, reason) => out({ event: 'close', code, reason: reason.toString() }));
  };
  let wss;
  if (certFile) {
    const server = https.createServer({ cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) });
    wss = new WebSocket.Server({ server, perMessageDeflate, maxPayload: MAX });
    server.listen(0, '127.0.0.1', () => out({ event: 'listening', port: server.address().port }));
  } else {
    wss = new WebSocket.Server({ host: '127.0.0.1', port: 0, perMessageDeflate, maxPayload: MAX });
    wss.on('listening', () => out({ event: 'listening', port: wss.address().port }));
  }
  wss.on('connection', onConnection);
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
} else {
  const [url, caFile] = rest;
  const options = { perMessageDeflate, maxPayload: MAX };
  if (caFile) options.ca = fs.readFileSync(caFile);

  function connect() {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options);
      const queue = [];
      let waiter = null;
      ws.on('message', (data, isBinary) => {
        const m = { data, isBinary };
        if (waiter) { const w = waiter; waiter = null; w(m); } else queue.push(m);
      });
      ws.next = () => new Promise((res) => { if (queue.length) res(queue.shift()); else waiter = res; });
      ws.closed = new Promise((res) => ws.on('close', (code, reason) => res({ code, reason: reason.toString() })));
      ws.on('upgrade', (res) => { ws.agreed = res.headers['sec-websocket-extensions']; });
      ws.on('open', () => resolve(ws));
      ws.on('error', reject);
    });
  }

  (async () => {
    const ws = await connect();
    out({ event: 'open', extensions: ws.extensions, agreed: ws.agreed || '' });
    for (const size of SIZES) {
      for (const binary of [false, true]) {
        for (const fragmented of [false, true]) {
          const p = payload(size, binary);
          if (fragmented) {
            const ps = parts(p);
            ps.forEach((part, i) => ws.send(part, { binary, fin: i === ps.length - 1 }));
          } else {
            ws.send(p, { binary });
          }
          const m = await ws.next();
          out({ event: 'echo', size, binary, fragmented, ok: m.isBinary === binary && Buffer.compare(m.data, p) === 0 });
        }
      }
    }
    // Multi-byte text split inside code points across fragments.
    const utf = Buffer.from('héllo wörld 😀 κόσμε', 'utf8');
    [utf.subarray(0, 2), utf.subarray(2, 13), utf.subarray(13)].forEach((part, i) => ws.send(part, { binary: false, fin: i === 2 }));
    const m = await ws.next();
    out({ event: 'echo', size: utf.length, binary: false, fragmented: true, ok: !m.isBinary && m.data.toString() === 'héllo wörld 😀 κόσμε' });
    const pong = new Promise((res) => ws.once('pong', (d) => res(d.toString())));
    ws.ping('ping-from-node');
    out({ event: 'pong', payload: await pong });
    ws.close(4001, 'bye from node');
    const closed = await ws.closed;
    out({ event: 'close', code: closed.code, reason: closed.reason });
    // A second connection: the server closes it with a code and reason of its choosing.
    const ws2 = await connect();
    ws2.send('close-me:4003:bye from the server');
    const closed2 = await ws2.closed;
    out({ event: 'server-close', code: closed2.code, reason: closed2.reason });
    process.exit(0);
  })().catch((e) => { out({ event: 'error', message: String(e && e.stack || e) }); process.exit(1); });
}
