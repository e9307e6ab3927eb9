package org.caffe4j.ops;

/** The kernel shared by layers that only change the shape (Flatten, Reshape): the values stay in C order. */
final class Reshapes {
    private Reshapes() {
    }

    static LayerKernel copy(int n) {
        return (inputs, outputs, par) -> {
            if (inputs[0] != outputs[0]) {
                System.arraycopy(inputs[0], 0, outputs[0], 0, n);
            }
        };
    }
}
