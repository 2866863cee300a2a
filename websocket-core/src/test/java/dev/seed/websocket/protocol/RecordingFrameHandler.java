package dev.seed.websocket.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Records what a {@link FrameDecoder} reports as whole frames, checking the streaming contract of
 * {@link FrameHandler} on the way. This class is not thread safe.
 */
final class RecordingFrameHandler implements FrameHandler {

    /** Frames completed and not taken yet, oldest first. */
    private final Deque<TestFrames.Frame> frames = new ArrayDeque<>();
    /** Size of every data chunk received, in order. */
    private final List<Integer> chunkSizes = new ArrayList<>();
    /** Payload of the data frame in progress; null between data frames. */
    private ByteArrayOutputStream payload;
    /** Opcode of the data frame in progress; valid while payload is not null. */
    private int opcode;
    /** FIN of the data frame in progress; valid while payload is not null. */
    private boolean fin;
    /** RSV bits of the data frame in progress; valid while payload is not null. */
    private int rsv;
    /** Announced length of the last data frame started. */
    private long length = -1;

    @Override
    public void onDataFrameStart(int opcode, boolean fin, int rsv, long length) {
        check(payload == null, "data frame started inside another");
        check(length >= 0, "negative length");
        this.opcode = opcode;
        this.fin = fin;
        this.rsv = rsv;
        this.length = length;
        this.payload = new ByteArrayOutputStream();
    }

    @Override
    public void onDataFramePayload(ByteBuffer chunk, boolean frameEnd) {
        check(payload != null, "payload outside a data frame");
        check(chunk.position() == 0, "chunk position not 0");
        check(chunk.hasRemaining() || (length == 0 && frameEnd), "empty chunk of a non-empty frame");
        chunkSizes.add(chunk.remaining());
        byte[] bytes = new byte[chunk.remaining()];
        chunk.get(bytes); // moves the chunk's position only: the decoder must not mind
        chunk.limit(0);
        payload.writeBytes(bytes);
        check(payload.size() <= length, "more payload than announced");
        if (frameEnd) {
            check(payload.size() == length, "less payload than announced");
            frames.add(new TestFrames.Frame(opcode, fin, rsv, payload.toByteArray()));
            payload = null;
        }
    }

    @Override
    public void onControlFrame(int opcode, int rsv, ByteBuffer payload) {
        check(this.payload == null, "control frame inside a data frame's payload");
        check(WireFormat.isControl(opcode), "data opcode as control");
        check(payload.position() == 0, "control payload position not 0");
        check(payload.remaining() <= WireFormat.CONTROL_PAYLOAD_MAX, "control payload over 125");
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        payload.limit(0); // must not disturb the decoder either
        frames.add(new TestFrames.Frame(opcode, true, rsv, bytes));
    }

    /** Removes and returns the oldest recorded frame. */
    TestFrames.Frame takeFrame() {
        assertThat(frames).as("recorded frames").isNotEmpty();
        return frames.removeFirst();
    }

    /** Removes and returns all recorded frames, oldest first. */
    List<TestFrames.Frame> takeAll() {
        List<TestFrames.Frame> all = new ArrayList<>(frames);
        frames.clear();
        return all;
    }

    /** Size of every data chunk received so far, in order. */
    List<Integer> chunkSizes() {
        return chunkSizes;
    }

    /** Whether a data frame has started and not ended. */
    boolean inDataFrame() {
        return payload != null;
    }

    /** The announced length of the last data frame started, -1 before any. */
    long lastLength() {
        return length;
    }

    /** Forgets the data frame in progress, for tests that stop in the middle of one. */
    void abandonDataFrame() {
        assertThat(payload).as("data frame in progress").isNotNull();
        payload = null;
    }

    void assertExhausted() {
        assertThat(frames).as("unexpected frames").isEmpty();
        assertThat(payload).as("unfinished data frame").isNull();
    }

    /** A cheap check for the hot callbacks: they run once per byte in some tests. */
    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }
}
