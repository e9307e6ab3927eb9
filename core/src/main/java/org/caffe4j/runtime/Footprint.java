package org.caffe4j.runtime;

/**
 * What a loaded model keeps in memory for one set of input shapes, in bytes.
 *
 * @param loadedWeightBytes the weights still held as read from the caffemodel: those of the layers whose kernels
 *                          transform them (Winograd) or read them directly; a kernel that keeps them exactly
 *                          (packed GEMM panels) holds the only copy
 * @param kernelWeightBytes the weights as the planned kernels store them (packed panels, Winograd transforms)
 * @param activationBytes   the activation buffers of one pass (each concurrent pass has its own)
 */
public record Footprint(long loadedWeightBytes, long kernelWeightBytes, long activationBytes) {
    public long residentBytes() {
        return loadedWeightBytes + kernelWeightBytes + activationBytes;
    }

    /** "553.4 MB weights as loaded + 950.1 MB as the kernels store them + 24.0 MB activations = 1527.5 MB". */
    public String describe() {
        return String.format("%.1f MB weights as loaded + %.1f MB as the kernels store them + %.1f MB activation "
                        + "buffers = %.1f MB", loadedWeightBytes / 1e6, kernelWeightBytes / 1e6, activationBytes / 1e6,
                residentBytes() / 1e6);
    }
}
