"""Interoperability peer built on Python's `websockets` package, driven by the JUnit interop tests.

  python3 ws_peer.py server <deflate|plain> [certPem keyPem]   echo server on 127.0.0.1, random port
  python3 ws_peer.py client <deflate|plain> <url> [caPem]      runs the scripted exchange

Prints one JSON object per line on stdout: what it saw, for the test to assert.
"""
import asyncio
import json
import ssl
import sys

import websockets

SIZES = [0, 125, 126, 65535, 65536, 1 << 20]


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def payload(size, binary):
    if binary:
        return bytes(((i * 31 + 7) & 0xFF) for i in range(size))
    return "".join(chr(97 + i % 26) for i in range(size))


def parts(p):
    a, b = len(p) // 3, 2 * len(p) // 3
    return [p[:a], p[a:b], p[b:]]


def extensions(ws):
    return [e.name for e in ws.extensions]


async def server(compression, cert, key):
    ctx = None
    if cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)

    async def handler(ws, *args):
        out({"event": "open", "extensions": extensions(ws)})
        try:
            async for msg in ws:
                if isinstance(msg, str) and msg.startswith("close-me:"):
                    _, code, reason = msg.split(":", 2)
                    await ws.close(int(code), reason)
                    break
                await ws.send(msg)
        except websockets.ConnectionClosed:
            pass
        await ws.wait_closed()
        out({"event": "close", "code": ws.close_code, "reason": ws.close_reason})

    async with websockets.serve(handler, "127.0.0.1", 0, compression=compression, ssl=ctx, max_size=None) as srv:
        out({"event": "listening", "port": srv.sockets[0].getsockname()[1]})
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.read)


async def client(compression, url, ca):
    ctx = ssl.create_default_context(cafile=ca) if ca else None
    kwargs = {"compression": compression, "max_size": None}
    if ctx:
        kwargs["ssl"] = ctx
    async with websockets.connect(url, **kwargs) as ws:
        response = getattr(ws, "response", None)  # the newer client; the legacy one has response_headers
        headers = response.headers if response is not None else ws.response_headers
        agreed = headers.get("Sec-WebSocket-Extensions", "")
        out({"event": "open", "extensions": extensions(ws), "agreed": agreed})
        for size in SIZES:
            for binary in (False, True):
                for fragmented in (False, True):
                    p = payload(size, binary)
                    await ws.send(parts(p) if fragmented else p)
                    echo = await asyncio.wait_for(ws.recv(), 20)
                    out({"event": "echo", "size": size, "binary": binary, "fragmented": fragmented, "ok": echo == p})
        text = "héllo wörld 😀 κόσμε"
        await ws.send([text[:1], text[1:12], text[12:]])
        echo = await asyncio.wait_for(ws.recv(), 20)
        out({"event": "echo", "size": len(text.encode()), "binary": False, "fragmented": True, "ok": echo == text})
        waiter = await ws.ping(b"ping-from-python")
        await asyncio.wait_for(waiter, 10)
        out({"event": "pong", "payload": "ping-from-python"})
        await ws.close(4002, "bye from python")
        out({"event": "close", "code": ws.close_code, "reason": ws.close_reason})
    async with websockets.connect(url, **kwargs) as ws2:
        await ws2.send("close-me:4003:bye from the server")
        try:
            await asyncio.wait_for(ws2.recv(), 10)
        except websockets.ConnectionClosed:
            pass
        await ws2.wait_closed()
        out({"event": "server-close", "code": ws2.close_code, "reason": ws2.close_reason})


def main():
    mode, compression = sys.argv[1], sys.argv[2]
    comp = "deflate" if compression == "deflate" else None
    rest = sys.argv[3:]
    try:
        if mode == "server":
            asyncio.run(server(comp, rest[0] if rest else None, rest[1] if len(rest) > 1 else None))
        else:
            asyncio.run(client(comp, rest[0], rest[1] if len(rest) > 1 else None))
    except Exception as e:  # reported to the test, which fails on it
        out({"event": "error", "message": repr(e)})
        sys.exit(1)


if __name__ == "__main__":
    main()
