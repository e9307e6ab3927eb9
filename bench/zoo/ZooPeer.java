import org.caffe4j.runtime.LoadOptions;
import org.caffe4j.runtime.Model;
import org.caffe4j.runtime.Tensor;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.Random;

/**
 * caffe4j's side of bench/zoo/compare.py: loads NET and WEIGHTS once, then answers each line "K" on stdin with the
 * milliseconds of K forward passes (one line, space separated), so that the driver can alternate rounds with OpenCV
 * inside one process each. Run as a single-file program on the caffe4j jar.
 */
public final class ZooPeer {
    public static void main(String[] args) throws Exception {
        Path net = Path.of(args[0]);
        Path weights = Path.of(args[1]);
        int threads = Integer.parseInt(args[2]);
        try (Model model = Model.load(net, weights, LoadOptions.defaults().withThreads(threads))) {
            String input = model.inputNames().get(0);
            int[] shape = model.inputShape(input);
            int size = 1;
            for (int d : shape) {
                size *= d;
            }
            float[] data = new float[size];
            Random rnd = new Random(7);
            for (int i = 0; i < size; i++) {
                data[i] = rnd.nextFloat() * 2 - 1;      // the same distribution compare.py gives OpenCV
            }
            Tensor tensor = new Tensor(shape, data);
            System.out.println("ready");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
            for (String line; (line = in.readLine()) != null && !line.isBlank(); ) {
                int passes = Integer.parseInt(line.trim());
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < passes; i++) {
                    long t0 = System.nanoTime();
                    model.run(tensor);
                    sb.append(i == 0 ? "" : " ").append((System.nanoTime() - t0) / 1e6);
                }
                System.out.println(sb);
                System.out.flush();
            }
        }
    }
}
