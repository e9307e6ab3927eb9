package org.caffe4j.ir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.zip.CRC32C;

/**
 * A learned parameter blob (weights, bias, BatchNorm statistics...) as float values in C order.
 *
 * <p>The values never change, but where they live may: once a kernel holds an exact copy in its own layout (packed
 * GEMM panels), the planner {@linkplain #release releases} the loaded array, so that a model keeps its weights
 * once, and {@link #data()} rebuilds it from the kernel's copy if anything asks again (another plan choosing
 * another kernel, writing the model out). Where a kernel keeps only a transform of them (Winograd's, or weights
 * folded with a BatchNorm), the values are dropped only if they can be read again from their caffemodel
 * ({@link #releaseToOrigin}).
 */
public final class Blob {
    private final Shape shape;
    private final boolean legacy4d;
    private volatile float[] data;
    private Supplier<float[]> restore;
    private volatile BlobOrigin origin;

    /**
     * @param legacy4d true when the file gave Caffe's deprecated num/channels/height/width dims, which Caffe
     *                 compares against the LAST four axes of the expected shape (a bias stored as 1x1x1xN)
     */
    public Blob(Shape shape, float[] data, boolean legacy4d) {
        if (shape.count() != data.length) {
            throw new IllegalArgumentException("blob shape " + shape + " does not match " + data.length + " values");
        }
        this.shape = shape;
        this.data = data;
        this.legacy4d = legacy4d;
    }

    public Shape shape() {
        return shape;
    }

    public boolean legacy4d() {
        return legacy4d;
    }

    /** The values; rebuilt from the kernel's copy (and kept again) after a {@link #release}. */
    public float[] data() {
        float[] d = data;
        if (d != null) {
            return d;
        }
        synchronized (this) {
            if (data == null) {
                float[] restored = restore.get();
                if (restored.length != shape.count()) {
                    throw new IllegalStateException("blob of shape " + shape + " restored with " + restored.length
                            + " values");
                }
                data = restored;
            }
            return data;
        }
    }

    /**
     * Drops the loaded values, which {@code from} can rebuild exactly (a kernel's packed copy of them); the first
     * {@link #data()} call after this one calls it.
     */
    public synchronized void release(Supplier<float[]> from) {
        restore = Objects.requireNonNull(from, "from");
        data = null;
    }

    /** Records where the values can be read again (set by the importer for blobs read from a caffemodel file). */
    public void readableAgainFrom(BlobOrigin from) {
        origin = Objects.requireNonNull(from, "from");
    }

    /**
     * Drops the loaded values if they can be read again from where they were loaded ({@link #readableAgainFrom});
     * the first {@link #data()} call after this one reads them again and checks them against the
     * {@link #checksum} of the values dropped now. For kernels that keep no reference to the values, only a
     * transform of them.
     *
     * @return whether the values were dropped
     */
    public synchronized boolean releaseToOrigin() {
        BlobOrigin from = origin;
        float[] values = data;
        if (from == null || values == null) {
            return false;
        }
        long sum = checksum(values);
        release(() -> from.reload(sum));
        return true;
    }

    /** CRC-32C of the values' IEEE 754 bits, little-endian: what {@link BlobOrigin#reload} checks against. */
    public static long checksum(float[] values) {
        CRC32C crc = new CRC32C();
        int chunk = 16 * 1024;
        ByteBuffer bytes = ByteBuffer.allocate(chunk * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int from = 0; from < values.length; from += chunk) {
            int n = Math.min(chunk, values.length - from);
            bytes.clear();
            bytes.asFloatBuffer().put(values, from, n);
            bytes.limit(n * Float.BYTES);
            crc.update(bytes);
        }
        return crc.getValue();
    }

    /** Bytes of values this blob holds itself: 0 while {@linkplain #release released}. */
    public long heldBytes() {
        return data == null ? 0 : 4L * shape.count();
    }

    /** Whether this blob can fill a parameter of the expected shape (Caffe's Blob::ShapeEquals). */
    public boolean fits(Shape expected) {
        // A scalar parameter (PReLU channel_shared, Scale with num_axes 0) is also accepted when stored with shape
        // {1} or any other single-value shape, as converters and hand-made models often write it; the value is
        // unambiguous, where Caffe itself would refuse the copy.
        if (expected.rank() == 0 && shape.count() == 1) {
            return true;
        }
        if (!legacy4d) {
            return shape.equals(expected);
        }
        if (expected.rank() > 4) {
            return false;
        }
        for (int i = 1; i <= 4; i++) {
            int want = i <= expected.rank() ? expected.dim(expected.rank() - i) : 1;
            if (shape.dim(4 - i) != want) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "Blob[shape=" + shape + ", legacy4d=" + legacy4d + "]";
    }
}
