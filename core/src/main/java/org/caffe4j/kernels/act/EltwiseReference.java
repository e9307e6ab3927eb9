package org.caffe4j.kernels.act;

/**
 * eltwise_layer.cpp over [from, from + n) of equally shaped inputs. SUM accumulates coeff[0]*a0 + coeff[1]*a1 + ...
 * in input order in float; PROD multiplies in input order; MAX keeps the largest. {@code out} may be {@code ins[0]}:
 * every input element is read before the output element is written.
 */
public final class EltwiseReference {
    private EltwiseReference() {
    }

    public static void sum(float[][] ins, float[] coeff, float[] out, int from, int n) {
        for (int i = from; i < from + n; i++) {
            float acc = 0f;
            for (int b = 0; b < ins.length; b++) {
                float c = coeff[b];
                // Caffe uses caffe_axpy (acc += c * x), which also covers coeff 1 as c * x == x.
                acc += c * ins[b][i];
            }
            out[i] = acc;
        }
    }

    public static void prod(float[][] ins, float[] out, int from, int n) {
        for (int i = from; i < from + n; i++) {
            float acc = ins[0][i] * ins[1][i];
            for (int b = 2; b < ins.length; b++) {
                acc *= ins[b][i];
            }
            out[i] = acc;
        }
    }

    public static void max(float[][] ins, float[] out, int from, int n) {
        for (int i = from; i < from + n; i++) {
            // Caffe's exact order: a0 > a1 ? a0 : a1 (so a tie, or a NaN in a0, takes a1), then each later input
            // only when strictly greater.
            float m = ins[0][i] > ins[1][i] ? ins[0][i] : ins[1][i];
            for (int b = 2; b < ins.length; b++) {
                if (ins[b][i] > m) {
                    m = ins[b][i];
                }
            }
            out[i] = m;
        }
    }
}
