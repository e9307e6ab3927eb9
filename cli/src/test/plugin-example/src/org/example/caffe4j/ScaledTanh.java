package org.example.caffe4j;

import org.caffe4j.spi.CustomLayer;
import org.caffe4j.spi.LayerCall;
import org.caffe4j.spi.LayerParams;

import java.util.List;

/**
 * A worked example of a caffe4j layer plug-in (the README's): y = alpha * tanh(beta * x), elementwise, with its
 * parameters in a block caffe.proto does not know:
 * <pre>
 * layer { name: "st" type: "ScaledTanh" bottom: "ip2" top: "st" scaled_tanh_param { alpha: 1.7159 beta: 0.6666 } }
 * </pre>
 */
public final class ScaledTanh implements CustomLayer {
    private static final int CHUNK = 1 << 14;

    @Override
    public String type() {
        return "ScaledTanh";
    }

    @Override
    public List<int[]> outputShapes(LayerParams params, List<int[]> inputShapes) {
        if (inputShapes.size() != 1 || params.tops().size() != 1) {
            throw params.invalid("bottom", "must be one blob with one top");
        }
        float beta = params.getFloat("scaled_tanh_param.beta", 1f);
        if (!(beta > 0)) {
            throw params.invalid("scaled_tanh_param.beta", "must be positive, got " + beta);
        }
        params.getFloat("scaled_tanh_param.alpha", 1f); // checked here, so a bad value fails at load time
        return List.of(inputShapes.get(0));
    }

    @Override
    public void forward(LayerParams params, LayerCall call) {
        float alpha = params.getFloat("scaled_tanh_param.alpha", 1f);
        float beta = params.getFloat("scaled_tanh_param.beta", 1f);
        float[] x = call.inputs().get(0).data();
        float[] y = call.outputs().get(0).data();
        int n = call.inputs().get(0).count();
        call.forEach((n + CHUNK - 1) / CHUNK, task -> {
            for (int i = task * CHUNK, end = Math.min(n, i + CHUNK); i < end; i++) {
                y[i] = alpha * (float) Math.tanh(beta * x[i]);
            }
        });
    }

    @Override
    public boolean inPlace() {
        return true; // each element is read before it is written
    }
}
