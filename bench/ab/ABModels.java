import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A/B of caffe4j builds on one model in one JVM: each variant is a class path (directories and jars, ':'-separated)
 * loaded in its own class loader; after a common warm-up the variants run in alternating rounds of PASSES forward
 * passes, and each variant's per-round median is divided by the first variant's of the same round. On a shared
 * machine whose speed moves by 10-50% from minute to minute, the median of those per-round ratios resolves changes of
 * a few percent that separate runs cannot (bench/HISTORY.md, sessions 30-33). The variants are loaded (and their
 * weights allocated) in the order given, or the reverse with {@code -DloadOrder=reversed}: on JDK 17 the variant
 * loaded second ran 1.20-1.23x slower with the very same classes (VGG16, ResNet-50; session 34), so run.sh runs both
 * orders and combines them. Run by bench/ab/run.sh.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -XX:+UseSerialGC -Xmx6g [-DwarmupSeconds=6] [-Dbatch=N] \
 *     [-DloadOrder=reversed] \
 *     bench/ab/ABModels.java NET WEIGHTS ROUNDS PASSES THREADS CLASSPATH_A CLASSPATH_B...
 * </pre>
 */
public final class ABModels {
    public static void main(String[] args) throws Exception {
        if (args.length < 7) {
            System.err.println("usage: ABModels NET WEIGHTS ROUNDS PASSES THREADS CLASSPATH_A CLASSPATH_B...");
            System.exit(2);
        }
        Path net = Path.of(args[0]);
        Path weights = Path.of(args[1]);
        int rounds = Integer.parseInt(args[2]);
        int passes = Integer.parseInt(args[3]);
        int threads = Integer.parseInt(args[4]);
        int batch = Integer.getInteger("batch", 0);
        String[] variants = Arrays.copyOfRange(args, 5, args.length);
        int n = variants.length;
        Object[] models = new Object[n];
        Object[] inputs = new Object[n];
        Method[] run = new Method[n];
        boolean reversed = "reversed".equals(System.getProperty("loadOrder"));
        for (int k = 0; k < n; k++) {
            int v = reversed ? n - 1 - k : k;
            List<URL> urls = new ArrayList<>();
            for (String entry : variants[v].split(":")) {
                urls.add(Path.of(entry).toUri().toURL());
            }
            ClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
            Class<?> optionsClass = loader.loadClass("org.caffe4j.runtime.LoadOptions");
            Object options = optionsClass.getMethod("defaults").invoke(null);
            options = optionsClass.getMethod("withThreads", int.class).invoke(options, threads);
            if (batch > 0) {
                options = optionsClass.getMethod("withBatch", Integer.class).invoke(options, batch);
            }
            Class<?> modelClass = loader.loadClass("org.caffe4j.runtime.Model");
            Object model = modelClass.getMethod("load", Path.class, Path.class, optionsClass)
                    .invoke(null, net, weights, options);
            @SuppressWarnings("unchecked")
            List<String> names = (List<String>) modelClass.getMethod("inputNames").invoke(model);
            int[] shape = (int[]) modelClass.getMethod("inputShape", String.class).invoke(model, names.get(0));
            int size = 1;
            for (int d : shape) {
                size *= d;
            }
            float[] data = new float[size];
            Random rnd = new Random(7); // the same input for every variant
            for (int i = 0; i < size; i++) {
                data[i] = (float) rnd.nextGaussian();
            }
            Class<?> tensorClass = loader.loadClass("org.caffe4j.runtime.Tensor");
            inputs[v] = tensorClass.getConstructor(int[].class, float[].class).newInstance(shape, data);
            run[v] = modelClass.getMethod("run", tensorClass);
            models[v] = model;
        }
        // Warm-up in turns, so that every variant's kernels are compiled before the first timed round.
        long warmEnd = System.nanoTime() + Long.getLong("warmupSeconds", 6) * 1_000_000_000L;
        while (System.nanoTime() < warmEnd) {
            for (int v = 0; v < n; v++) {
                for (int p = 0; p < 5; p++) {
                    run[v].invoke(models[v], inputs[v]);
                }
            }
        }
        double[][] medians = new double[n][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < n; i++) {
                int v = (i + r) % n; // rotate the order, so that no variant always follows the same one
                double[] ms = new double[passes];
                for (int p = 0; p < passes; p++) {
                    long t0 = System.nanoTime();
                    run[v].invoke(models[v], inputs[v]);
                    ms[p] = (System.nanoTime() - t0) / 1e6;
                }
                Arrays.sort(ms);
                medians[v][r] = ms[passes / 2];
            }
        }
        for (int v = 0; v < n; v++) {
            double[] m = medians[v].clone();
            Arrays.sort(m);
            System.out.printf("%s: median %.3f ms a pass%n", label(variants[v]), m[rounds / 2]);
        }
        for (int v = 1; v < n; v++) {
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratio[r] = medians[v][r] / medians[0][r];
            }
            Arrays.sort(ratio);
            System.out.printf("%s / %s: median %.3f (%.3f-%.3f over %d rounds)%n", label(variants[v]),
                    label(variants[0]), ratio[rounds / 2], ratio[0], ratio[rounds - 1], rounds);
        }
        System.exit(0); // the models' worker threads are daemons, but do not wait for anything else
    }

    /** A variant's first class path entry, which names it, relative to the working directory where it lies below. */
    private static String label(String classPath) {
        Path first = Path.of(classPath.split(":")[0]).toAbsolutePath().normalize();
        Path here = Path.of("").toAbsolutePath();
        return first.startsWith(here) ? here.relativize(first).toString() : first.toString();
    }
}
