package org.caffe4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** ./caffe4j-spark writes the CSV that ./caffe4j classify --csv prints: same rows, same numbers. */
@Timeout(300)
class ClassifyJobTest {
    @Test
    void theJobsCsvIsClassifysCsv(@TempDir Path out) throws Exception {
        StringWriter cliOut = new StringWriter();
        StringWriter cliErr = new StringWriter();
        int cliStatus = org.caffe4j.cli.Main.execute(new String[] {"classify", "--model", "lenet-mnist", "--csv",
                "testdata/mnist"}, new PrintWriter(cliOut), new PrintWriter(cliErr));
        assertEquals(0, cliStatus, cliErr.toString());

        StringWriter jobErr = new StringWriter();
        int status = ClassifyJob.execute(new String[] {"--model", "lenet-mnist", "--input", "testdata/mnist", "--output",
                out.toString(), "--master", "local[2]"}, new PrintWriter(new StringWriter()), new PrintWriter(jobErr));
        assertEquals(0, status, jobErr.toString());
        String csv = Files.readString(out.resolve("predictions.csv"));
        assertEquals(cliOut.toString(), csv);
        assertEquals(1 + 10 * 5, csv.lines().count());
        assertTrue(csv.startsWith("file,rank,index,label,probability\ntestdata/mnist/t10k_00_label7.pgm,1,7,7,"), csv);
    }

    @Test
    void badImagesAreReportedAndTheRestIsWritten(@TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.copy(Path.of("testdata/mnist/t10k_00_label7.pgm"), in.resolve("a.pgm"));
        Files.write(in.resolve("b.pgm"), "P5 not really".getBytes());
        Files.writeString(in.resolve("notes.txt"), "not an image name: skipped, as classify does");
        StringWriter err = new StringWriter();
        int status = ClassifyJob.execute(new String[] {"--model", "lenet-mnist", "--input", in.toString(), "--output",
                dir.resolve("out").toString(), "--master", "local[1]", "--top", "2"}, new PrintWriter(new StringWriter()),
                new PrintWriter(err));
        assertEquals(1, status);
        assertTrue(err.toString().startsWith("error: ") && err.toString().contains("b.pgm"), err.toString());
        assertEquals(1, err.toString().lines().count(), err.toString());
        String csv = Files.readString(dir.resolve("out/predictions.csv"));
        assertEquals(3, csv.lines().count(), csv);
        assertTrue(csv.contains(in.resolve("a.pgm") + ",1,7,7,"), csv);
    }

    @Test
    void aMissingModelIsOneErrorLine(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        int status = ClassifyJob.execute(new String[] {"--model", "no-such-model", "--input", "testdata/mnist", "--output",
                dir.toString(), "--master", "local[1]"}, new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(2, status);
        assertTrue(err.toString().startsWith("error: unknown model 'no-such-model'"), err.toString());
        assertEquals(1, err.toString().lines().count(), err.toString());
    }

    @Test
    void manySmallImagesArePackedByCoresNotThirtyTwoPerTask(@TempDir Path dir) throws Exception {
        for (int i = 0; i < 300; i++) {
            Files.copy(Path.of("testdata/mnist/t10k_00_label7.pgm"), dir.resolve("d" + i + ".pgm"));
        }
        SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").getOrCreate();
        String key = "spark.sql.files.openCostInBytes";
        String before = spark.conf().get(key);
        try {
            spark.conf().set(key, Long.toString(4L << 20)); // Spark's default
            int sparks = spark.read().format("binaryFile").load(dir.toString()).rdd().getNumPartitions();
            ClassifyJob.jobDefaults(new SparkConf()).forEach((k, v) -> spark.conf().set(k, v));
            int jobs = spark.read().format("binaryFile").load(dir.toString()).rdd().getNumPartitions();
            assertTrue(sparks >= 9, "Spark's default packs 32 files a task: " + sparks + " partitions");
            assertTrue(jobs <= 3, "the job's open cost packs them by cores (2): " + jobs + " partitions");
        } finally {
            spark.conf().set(key, before);
        }
    }

    @Test
    void aUsersOwnOpenCostIsKept() {
        SparkConf user = new SparkConf(false).set("spark.sql.files.openCostInBytes", "1234");
        assertTrue(ClassifyJob.jobDefaults(user).isEmpty());
        assertEquals(Long.toString(ClassifyJob.IMAGE_OPEN_COST_BYTES),
                ClassifyJob.jobDefaults(new SparkConf(false)).get("spark.sql.files.openCostInBytes"));
    }
}
