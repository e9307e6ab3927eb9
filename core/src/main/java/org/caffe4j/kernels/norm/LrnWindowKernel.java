package org.caffe4j.kernels.norm;

/**
 * The two per-pixel passes of {@link LrnAcrossChannels}, over pixels {@code [p0, p1)} of one channel. Implementations
 * (a Vector API kernel and its scalar twin, chosen by {@link org.caffe4j.kernels.simd.Simd}) must do exactly these
 * float operations, in this order, so that they agree bit for bit:
 * <ul>
 *   <li>{@link #slide}: {@code sum[p] = sum[p] + a*a} for the channel entering the window (if any), then
 *       {@code sum[p] = sum[p] - b*b} for the channel leaving it (if any); squares are rounded before adding;</li>
 *   <li>{@link #normalize}: {@code s = k + alphaOverSize * sum[p]}, then {@code out = x * s^-beta}, where for
 *       beta = 0.75 (AlexNet, CaffeNet, GoogLeNet) {@code s^-0.75 = 1 / (t * sqrt(t))} with {@code t = sqrt(s)}, and
 *       otherwise {@code (float) Math.pow(s, -beta)}.</li>
 * </ul>
 */
public interface LrnWindowKernel {
    /**
     * @param enteringOff offset of pixel 0 of the channel entering the window in {@code in}, or -1 for none
     * @param leavingOff  offset of pixel 0 of the channel leaving the window, or -1 for none
     */
    void slide(float[] sum, float[] in, int enteringOff, int leavingOff, int p0, int p1);

    /** {@code out[outOff + p] = in[inOff + p] * (k + alphaOverSize * sum[p])^-beta}. */
    void normalize(float[] sum, float[] in, int inOff, float[] out, int outOff, int p0, int p1, float alphaOverSize,
                   float k, float beta);

    /** The scalar definition of s^-beta both kernels follow. */
    static float inversePower(float s, float beta) {
        if (beta == 0.75f) {
            float t = (float) Math.sqrt(s);
            return 1f / (t * (float) Math.sqrt(t));
        }
        return (float) Math.pow(s, -beta);
    }
}
