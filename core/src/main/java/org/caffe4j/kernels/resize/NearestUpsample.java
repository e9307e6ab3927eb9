package org.caffe4j.kernels.resize;

/**
 * The YOLOv3 forks' mask-less Upsample: nearest-neighbour enlargement by integer factors, output (y, x) taking
 * input (y / scaleH, x / scaleW).
 */
public final class NearestUpsample {
    private NearestUpsample() {
    }

    /** Plane {@code p} of an {@code inH} x {@code inW} input. */
    public static void plane(float[] in, float[] out, int p, int inH, int inW, int scaleH, int scaleW) {
        int outW = inW * scaleW, inOff = p * inH * inW, outOff = p * inH * scaleH * outW;
        for (int y = 0; y < inH * scaleH; y++) {
            int row = inOff + (y / scaleH) * inW, o = outOff + y * outW;
            for (int x = 0; x < outW; x++) {
                out[o + x] = in[row + x / scaleW];
            }
        }
    }
}
