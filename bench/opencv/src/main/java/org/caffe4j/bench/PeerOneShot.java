package org.caffe4j.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_dnn;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_dnn.Net;
import org.caffe4j.files.Npy;

import java.nio.FloatBuffer;
import java.nio.file.Path;

/**
 * What `caffe4j run` does for one input, done by a peer runtime in a new JVM, so that bench/oneshot.sh can put both
 * under /usr/bin/time (process start to result, peak resident size):
 * {@code PeerOneShot opencv|onnxruntime MODEL [WEIGHTS] INPUT.npy THREADS}. Prints the output's size and sum.
 */
public final class PeerOneShot {
    public static void main(String[] args) throws Exception {
        String runtime = args[0];
        boolean opencv = runtime.equals("opencv");
        Npy.Array x = Npy.read(Path.of(args[opencv ? 3 : 2]));
        int threads = Integer.parseInt(args[opencv ? 4 : 3]);
        float[] out;
        if (opencv) {
            opencv_core.setNumThreads(threads);
            Net net = opencv_dnn.readNetFromCaffe(args[1], args[2]);
            net.setPreferableBackend(opencv_dnn.DNN_BACKEND_OPENCV);
            net.setPreferableTarget(opencv_dnn.DNN_TARGET_CPU);
            Mat blob = new Mat(x.shape(), opencv_core.CV_32F);
            new FloatPointer(blob.data()).put(x.data());
            net.setInput(blob);
            Mat y = net.forward();
            out = new float[(int) y.total()];
            new FloatPointer(y.data()).get(out);
        } else if (runtime.equals("onnxruntime")) {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions so = new OrtSession.SessionOptions();
            so.setIntraOpNumThreads(threads);
            so.setInterOpNumThreads(1);
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession session = env.createSession(args[1], so)) {
                long[] shape = new long[x.shape().length];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = x.shape()[i];
                }
                String in = session.getInputNames().iterator().next();
                try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), shape);
                     OrtSession.Result r = session.run(java.util.Map.of(in, t))) {
                    FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
                    out = new float[fb.remaining()];
                    fb.get(out);
                }
            }
        } else {
            throw new IllegalArgumentException("runtime must be opencv or onnxruntime, not " + runtime);
        }
        double sum = 0;
        for (float v : out) {
            sum += v;
        }
        System.out.printf("%s: %d values, sum %.6g%n", runtime, out.length, sum);
    }
}
