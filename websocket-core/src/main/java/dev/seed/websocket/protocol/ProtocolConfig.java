package dev.seed.websocket.protocol;

/**
 * The limits and switches of one {@link WebSocketProtocol}. Immutable; build with
 * {@link #builder()}, change with {@link #toBuilder()}.
 */
public final class ProtocolConfig {

    /** Default largest frame payload: 16 MiB. */
    public static final long DEFAULT_MAX_FRAME_SIZE = 16L * 1024 * 1024;
    /** Default largest message, after decompression: 16 MiB. */
    public static final long DEFAULT_MAX_MESSAGE_SIZE = 16L * 1024 * 1024;
    /**
     * Default bound on the frames of one message: 2^17, enough for a 4 MiB message cut into
     * 64-byte fragments (the smallest fragment size conformance suites use), small enough that
     * a stream of empty continuation frames cannot keep a connection busy forever.
     */
    public static final int DEFAULT_MAX_FRAGMENTS = 1 << 17;

    private static final ProtocolConfig DEFAULTS = builder().build();

    private final long maxFrameSize;
    private final long maxMessageSize;
    private final int maxFragments;
    private final boolean autoPong;
    private final int outgoingFragmentSize;

    private ProtocolConfig(Builder b) {
        this.maxFrameSize = b.maxFrameSize;
        this.maxMessageSize = b.maxMessageSize;
        this.maxFragments = b.maxFragments;
        this.autoPong = b.autoPong;
        this.outgoingFragmentSize = b.outgoingFragmentSize;
    }

    /** The default configuration. */
    public static ProtocolConfig defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().maxFrameSize(maxFrameSize).maxMessageSize(maxMessageSize)
                .maxFragments(maxFragments).autoPong(autoPong).outgoingFragmentSize(outgoingFragmentSize);
    }

    /** Largest accepted frame payload in bytes; a longer frame fails with 1009. */
    public long maxFrameSize() {
        return maxFrameSize;
    }

    /** Largest accepted message in bytes, after decompression; a longer one fails with 1009. */
    public long maxMessageSize() {
        return maxMessageSize;
    }

    /** Most frames one message may have; more fail with 1009. */
    public int maxFragments() {
        return maxFragments;
    }

    /** Whether a ping is answered with a pong by the engine itself. */
    public boolean autoPong() {
        return autoPong;
    }

    /** Outgoing messages longer than this are sent in fragments of this size; 0 = never. */
    public int outgoingFragmentSize() {
        return outgoingFragmentSize;
    }

    /** Builder of {@link ProtocolConfig}. Not thread safe. */
    public static final class Builder {
        private long maxFrameSize = DEFAULT_MAX_FRAME_SIZE;
        private long maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
        private int maxFragments = DEFAULT_MAX_FRAGMENTS;
        private boolean autoPong = true;
        private int outgoingFragmentSize;

        private Builder() {
        }

        public Builder maxFrameSize(long bytes) {
            if (bytes < 125) {
                throw new IllegalArgumentException("maxFrameSize must be at least 125 bytes: " + bytes);
            }
            this.maxFrameSize = bytes;
            return this;
        }

        public Builder maxMessageSize(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxMessageSize must be positive: " + bytes);
            }
            this.maxMessageSize = bytes;
            return this;
        }

        public Builder maxFragments(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("maxFragments must be positive: " + count);
            }
            this.maxFragments = count;
            return this;
        }

        public Builder autoPong(boolean autoPong) {
            this.autoPong = autoPong;
            return this;
        }

        public Builder outgoingFragmentSize(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("outgoingFragmentSize must not be negative: " + bytes);
            }
            this.outgoingFragmentSize = bytes;
            return this;
        }

        public ProtocolConfig build() {
            return new ProtocolConfig(this);
        }
    }
}
