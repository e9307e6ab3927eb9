package org.caffe4j.spark;

import org.apache.spark.api.java.function.FilterFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.caffe4j.classify.Prediction;
import org.caffe4j.preprocess.ImageDecoder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code caffe4j-spark}: classifies every image under a folder with {@link CaffeClassifier} and writes
 * {@code OUTPUT/predictions.csv} with the rows and numbers of {@code caffe4j classify --csv} (file, rank, index,
 * label, probability; files named as the input folder plus their path inside it, in the same order). Images that
 * fail are reported on stderr as {@code error: ...} and make the exit status 1; the others are still written.
 * The same main class runs under {@code spark-submit} on a cluster (then without {@code --master}).
 */
@Command(name = "caffe4j-spark", mixinStandardHelpOptions = true,
        description = "Classify the images under a folder with Apache Spark; writes OUTPUT/predictions.csv")
public final class ClassifyJob implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "NAME|DIR", description = "registered model or model folder")
    String model;

    @Option(names = "--input", required = true, paramLabel = "DIR", description = "folder of images (searched recursively)")
    String input;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "folder for predictions.csv (created)")
    Path output;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master, e.g. local[2] (default: spark-submit's)")
    String master;

    @Option(names = "--top", defaultValue = "5", paramLabel = "K", description = "classes per image (default 5)")
    int top;

    @Option(names = "--batch", defaultValue = "16", paramLabel = "N", description = "images per forward pass (default 16)")
    int batch;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "T",
            description = "caffe4j threads per executor JVM (default 1: Spark runs one task per core)")
    int threads;

    private PrintWriter err;

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the job; returns the exit status (0 all classified, 1 some images failed, 2 bad arguments or model). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        ClassifyJob job = new ClassifyJob();
        job.err = err;
        CommandLine cl = new CommandLine(job).setOut(out).setErr(err);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            err.println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 2;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        if (top < 1 || batch < 1 || threads < 1 || threads > 256) {
            throw new IllegalArgumentException("--top and --batch must be at least 1, --threads 1..256");
        }
        SparkSession.Builder builder = SparkSession.builder().appName("caffe4j-spark classify");
        if (master != null) {
            builder.master(master);
        }
        jobDefaults(new SparkConf()).forEach(builder::config);
        SparkSession spark = builder.getOrCreate();
        Dataset<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(input)
                .select("path", "content")
                .filter((FilterFunction<Row>) r -> ImageDecoder.hasImageExtension(fileName(r.getString(0))));
        Dataset<Row> classified = new CaffeClassifier().setModel(model).setTopK(top).setBatchSize(batch)
                .setThreads(threads).transform(files).drop("content").orderBy("path");
        Files.createDirectories(output);
        Path csv = output.resolve("predictions.csv");
        Path partial = output.resolve(".predictions.csv.partial");
        int failures = 0;
        try (BufferedWriter w = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
            w.write(Prediction.CSV_HEADER);
            w.write('\n');
            for (Iterator<Row> it = classified.toLocalIterator(); it.hasNext(); ) {
                Row r = it.next();
                String file = display(r.getString(0));
                String error = r.getAs(CaffeClassifier.ERROR);
                if (error != null) {
                    err.println("error: " + error);
                    failures++;
                    continue;
                }
                List<String> labels = r.getList(r.fieldIndex(CaffeClassifier.LABELS));
                List<Integer> indices = r.getList(r.fieldIndex(CaffeClassifier.INDICES));
                List<Float> probabilities = r.getList(r.fieldIndex(CaffeClassifier.PROBABILITIES));
                for (int k = 0; k < labels.size(); k++) {
                    w.write(new Prediction(labels.get(k), indices.get(k), probabilities.get(k)).csvRow(file, k + 1));
                    w.write('\n');
                }
            }
        }
        Files.move(partial, csv, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        err.flush();
        return failures == 0 ? 0 : 1;
    }

    /** Spark's file-open cost estimate for this job, in bytes: a typical image file's size. */
    static final long IMAGE_OPEN_COST_BYTES = 64 * 1024;

    /**
     * Settings the job applies unless the user set them (spark-submit --conf, or spark.* system properties, which
     * {@code userConf} holds). Spark packs files into a task until their sizes plus a 4 MB open cost each reach
     * 128 MB: 32 images per task, so thousands of small images became hundreds of tasks and their scheduling took
     * most of the job's time. An open cost near an image's size packs them by the cluster's cores instead.
     */
    static Map<String, String> jobDefaults(SparkConf userConf) {
        Map<String, String> defaults = new LinkedHashMap<>();
        if (!userConf.contains("spark.sql.files.openCostInBytes")) {
            defaults.put("spark.sql.files.openCostInBytes", Long.toString(IMAGE_OPEN_COST_BYTES));
        }
        return defaults;
    }

    /** A local file as the input folder argument plus its path inside it (as classify prints it); others unchanged. */
    private String display(String sparkPath) {
        try {
            URI uri = new URI(sparkPath);
            if ("file".equals(uri.getScheme())) {
                Path base = Path.of(input).toAbsolutePath().normalize();
                Path file = Path.of(uri).normalize();
                if (file.startsWith(base)) {
                    return Path.of(input).resolve(base.relativize(file)).toString();
                }
                return file.toString();
            }
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            return sparkPath;
        }
        return sparkPath;
    }

    private static String fileName(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }
}
