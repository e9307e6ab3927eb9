package org.caffe4j.kernels.layout;

/** tile_layer.cpp: each of {@code outer} runs of {@code inner} values is written {@code tiles} times in a row. */
public final class TileCopy {
    private TileCopy() {
    }

    public static void forward(float[] in, float[] out, int outer, int inner, int tiles) {
        int o = 0;
        for (int i = 0; i < outer; i++) {
            for (int t = 0; t < tiles; t++) {
                System.arraycopy(in, i * inner, out, o, inner);
                o += inner;
            }
        }
    }
}
