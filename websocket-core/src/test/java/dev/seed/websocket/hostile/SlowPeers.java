package dev.seed.websocket.hostile;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many slowloris peers on one thread: each opens a TCP connection and sends the bytes of an
 * opening handshake one at a time, one byte per peer every {@code intervalMillis}, never
 * finishing within the server's handshake timeout. It records what each peer gets back and when
 * the server closes it. Bounded: it stops by itself after {@code maxMillis} and closes every
 * socket it opened.
 */
final class SlowPeers implements AutoCloseable {

    /** What happened to one peer. */
    static final class Peer {
        final SocketChannel channel;
        final StringBuilder received = new StringBuilder();
        int sent;
        /** When the server closed the connection (ms since start), or -1. */
        volatile long closedAtMillis = -1;

        Peer(SocketChannel channel) {
            this.channel = channel;
        }
    }

    private final byte[] request;
    private final List<Peer> peers = new ArrayList<>();
    private final Selector selector;
    private final AtomicInteger closed = new AtomicInteger();
    private long startMillis;
    private Thread thread;
    private volatile boolean stop;

    SlowPeers(byte[] request) throws IOException {
        this.request = request.clone();
        this.selector = Selector.open();
    }

    /** Connects {@code count} peers to {@code port}; each sends its first byte at once. */
    void connect(int port, int count) throws IOException {
        startMillis = System.currentTimeMillis();
        for (int i = 0; i < count; i++) {
            SocketChannel ch = SocketChannel.open();
            ch.setOption(StandardSocketOptions.SO_LINGER, 0);
            ch.connect(new InetSocketAddress("127.0.0.1", port));
            ch.configureBlocking(false);
            Peer p = new Peer(ch);
            ch.register(selector, SelectionKey.OP_READ, p);
            peers.add(p);
            trickle(p);
        }
    }

    /** Starts trickling: one more byte per open peer every {@code intervalMillis}, for at most {@code maxMillis}. */
    void start(long intervalMillis, long maxMillis) {
        thread = new Thread(() -> run(intervalMillis, maxMillis), "slow-peers");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(long intervalMillis, long maxMillis) {
        long deadline = System.currentTimeMillis() + maxMillis;
        long nextTrickle = System.currentTimeMillis() + intervalMillis;
        try {
            while (!stop && System.currentTimeMillis() < deadline && closed.get() < peers.size()) {
                selector.select(Math.max(1, Math.min(100, nextTrickle - System.currentTimeMillis())));
                for (SelectionKey key : selector.selectedKeys()) {
                    read((Peer) key.attachment(), key);
                }
                selector.selectedKeys().clear();
                if (System.currentTimeMillis() >= nextTrickle) {
                    for (Peer p : peers) {
                        if (p.closedAtMillis < 0) {
                            trickle(p);
                        }
                    }
                    nextTrickle += intervalMillis;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void read(Peer p, SelectionKey key) {
        ByteBuffer buf = ByteBuffer.allocate(4096);
        int n;
        try {
            n = p.channel.read(buf);
        } catch (IOException e) {
            n = -1;
        }
        if (n > 0) {
            p.received.append(new String(buf.array(), 0, n, StandardCharsets.ISO_8859_1));
        } else if (n < 0) {
            key.cancel();
            p.closedAtMillis = System.currentTimeMillis() - startMillis;
            closed.incrementAndGet();
        }
    }

    private void trickle(Peer p) {
        if (p.sent >= request.length) {
            return;
        }
        try {
            if (p.channel.write(ByteBuffer.wrap(request, p.sent, 1)) == 1) {
                p.sent++;
            }
        } catch (IOException e) {
            // the server closed it; the read side records when
        }
    }

    /** Peers the server has closed so far. */
    int closedCount() {
        return closed.get();
    }

    List<Peer> peers() {
        return peers;
    }

    /** Waits for the trickling thread to end (all closed, or its time is up). */
    void join(long millis) throws InterruptedException {
        thread.join(millis);
    }

    @Override
    public void close() throws IOException {
        stop = true;
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Peer p : peers) {
            p.channel.close();
        }
        selector.close();
    }
}
