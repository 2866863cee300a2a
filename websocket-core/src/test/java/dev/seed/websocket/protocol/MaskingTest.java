package dev.seed.websocket.protocol;

import static dev.seed.websocket.protocol.TestFrames.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** RFC 6455 section 5.3 client-to-server masking. */
class MaskingTest {

    private static final int RFC_KEY = 0x37fa213d;

    // Section 5.7: "A single-frame masked text message ... contains "Hello"".

    @Test
    void masksHelloLikeSection5_7() {
        ByteBuffer buf = ByteBuffer.wrap("Hello".getBytes());
        Masking.mask(buf, RFC_KEY, 0);
        assertThat(buf.array()).containsExactly(hex("7f 9f 4d 51 58"));
        assertThat(buf.position()).isZero();
        assertThat(buf.limit()).isEqualTo(5);
    }

    @Test
    void masksHelloLikeSection5_7InArray() {
        byte[] a = "xxHelloxx".getBytes();
        Masking.mask(a, 2, 5, RFC_KEY, 0);
        assertThat(a).containsExactly(hex("78 78 7f 9f 4d 51 58 78 78"));
    }

    @Test
    void unmaskingIsMaskingAgain() {
        ByteBuffer buf = ByteBuffer.wrap(hex("7f 9f 4d 51 58"));
        Masking.mask(buf, RFC_KEY, 0);
        assertThat(new String(buf.array())).isEqualTo("Hello");
    }

    // 5.3: "octet at index i modulo 4 of the masking key": the key index runs on across chunks.

    @Test
    void chunkedMaskingContinuesKeyAtPayloadOffset() {
        Random random = new Random(7);
        byte[] payload = new byte[1000];
        random.nextBytes(payload);
        byte[] whole = payload.clone();
        Masking.mask(whole, 0, whole.length, 0x01020304, 0);

        byte[] chunked = payload.clone();
        int offset = 0;
        while (offset < chunked.length) {
            int n = Math.min(random.nextInt(40), chunked.length - offset);
            Masking.mask(ByteBuffer.wrap(chunked, offset, n), 0x01020304, offset);
            offset += n;
        }
        assertThat(chunked).isEqualTo(whole);
    }

    @Test
    void bufferMatchesNaiveReference() {
        Random random = new Random(1);
        for (boolean direct : new boolean[] {false, true}) {
            for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
                for (int length = 0; length <= 100; length++) {
                    for (int position = 0; position <= 7; position++) {
                        for (long payloadOffset : payloadOffsets()) {
                            int key = random.nextInt();
                            byte[] original = randomBytes(random, position + length + 5);
                            ByteBuffer buf = direct
                                    ? ByteBuffer.allocateDirect(original.length)
                                    : ByteBuffer.allocate(original.length);
                            buf.put(original).order(order);
                            buf.limit(position + length).position(position);

                            Masking.mask(buf, key, payloadOffset);

                            assertThat(buf.position()).isEqualTo(position);
                            assertThat(buf.limit()).isEqualTo(position + length);
                            assertThat(buf.order()).isEqualTo(order);
                            byte[] actual = new byte[original.length];
                            buf.clear().get(actual);
                            assertThat(actual)
                                    .as("direct=%s order=%s length=%d position=%d payloadOffset=%d",
                                            direct, order, length, position, payloadOffset)
                                    .isEqualTo(naive(original, position, length, key, payloadOffset));
                        }
                    }
                }
            }
        }
    }

    @Test
    void arrayMatchesNaiveReference() {
        Random random = new Random(2);
        for (int length = 0; length <= 100; length++) {
            for (int off = 0; off <= 7; off++) {
                for (long payloadOffset : payloadOffsets()) {
                    int key = random.nextInt();
                    byte[] original = randomBytes(random, off + length + 5);
                    byte[] a = original.clone();

                    Masking.mask(a, off, length, key, payloadOffset);

                    assertThat(a).as("length=%d off=%d payloadOffset=%d", length, off, payloadOffset)
                            .isEqualTo(naive(original, off, length, key, payloadOffset));
                }
            }
        }
    }

    @Test
    void heapSliceWithArrayOffsetMatchesNaiveReference() {
        byte[] original = randomBytes(new Random(3), 64);
        ByteBuffer slice = ByteBuffer.wrap(original.clone()).position(3).slice();
        slice.position(2).limit(50);
        Masking.mask(slice, 0xA1B2C3D4, 6);
        assertThat(slice.array()).isEqualTo(naive(original, 5, 48, 0xA1B2C3D4, 6));
    }

    @Test
    void arrayBoundsAreChecked() {
        assertThatThrownBy(() -> Masking.mask(new byte[4], 2, 3, 1, 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    /** Every payloadOffset mod 4, a few past the first key round, and a huge one. */
    private static long[] payloadOffsets() {
        return new long[] {0, 1, 2, 3, 4, 5, 6, 7, (1L << 40) + 3};
    }

    /** Section 5.3, byte by byte, as written in the RFC. */
    private static byte[] naive(byte[] original, int from, int length, int key, long payloadOffset) {
        byte[] result = original.clone();
        byte[] keyBytes = {(byte) (key >>> 24), (byte) (key >>> 16), (byte) (key >>> 8), (byte) key};
        for (int i = 0; i < length; i++) {
            int j = (int) ((payloadOffset + i) % 4);
            result[from + i] = (byte) (original[from + i] ^ keyBytes[j]);
        }
        return result;
    }

    @Test
    void unmaskingWhileCopyingGivesWhatMaskingInPlaceThenCopyingGives() {
        Random random = new Random(7);
        for (int length = 0; length <= 40; length++) {
            byte[] payload = new byte[length];
            random.nextBytes(payload);
            int key = random.nextInt();
            for (int offset : new int[] {0, 1, 2, 3, 5}) {
                byte[] expected = payload.clone();
                Masking.mask(expected, 0, length, key, offset);
                for (boolean direct : new boolean[] {false, true}) {
                    for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
                        ByteBuffer src = (direct ? ByteBuffer.allocateDirect(length + 3) : ByteBuffer.allocate(length + 3))
                                .order(order);
                        src.position(3);
                        src.put(payload).flip().position(3);
                        byte[] dst = new byte[length + 6];
                        Masking.maskInto(src, dst, 4, Masking.alignKey(key, offset));
                        assertThat(java.util.Arrays.copyOfRange(dst, 4, 4 + length))
                                .as("length %d, offset %d, %s %s", length, offset, direct ? "direct" : "heap", order)
                                .isEqualTo(expected);
                        assertThat(src.position()).isEqualTo(3);
                        assertThat(dst[0] | dst[1] | dst[2] | dst[3] | dst[length + 4] | dst[length + 5]).isZero();
                    }
                }
            }
        }
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }
}
