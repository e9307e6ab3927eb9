package org.caffe4j.cli;

import org.caffe4j.testing.HostileImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A FIFO or a dead link given as an input file is refused by name; opening a FIFO would block forever. */
class SpecialFileBadInputTest {
    private static final String NET = "testdata/lenet_mnist/lenet.prototxt";
    private static final String WEIGHTS = "testdata/lenet_mnist/lenet_iter_10000.caffemodel";

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void runRefusesAFifoAsInput() throws Exception {
        Path fifo = HostileImages.fifo(dir.resolve("data.npy"));
        CliRun r = CliRun.of("run", NET, WEIGHTS, "--input", fifo.toString(), "--out", dir.resolve("out").toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.code(), r.toString());
        assertEquals("error: " + fifo + ": not a regular file\n", r.err());
    }

    @Test
    @Timeout(60)
    void verifyRefusesAFifoAsInput() throws Exception {
        Path fifo = HostileImages.fifo(dir.resolve("data.npy"));
        CliRun r = CliRun.of("verify", NET, WEIGHTS, "--golden", "testdata/golden/lenet_mnist", "--input",
                fifo.toString());
        assertEquals(Main.EXIT_BAD_INPUT, r.code(), r.toString());
        assertEquals("error: " + fifo + ": not a regular file\n", r.err());
    }

    @Test
    @Timeout(60)
    void runRefusesABrokenLinkAndALinkLoopAsInput() throws Exception {
        Path broken = Files.createSymbolicLink(dir.resolve("broken.npy"), Path.of("absent.npy"));
        Path loop = Files.createSymbolicLink(dir.resolve("loop.npy"), Path.of("loop.npy"));
        for (Path input : new Path[]{broken, loop}) {
            CliRun r = CliRun.of("run", NET, WEIGHTS, "--input", input.toString(), "--out",
                    dir.resolve("out").toString());
            assertEquals(Main.EXIT_BAD_INPUT, r.code(), r.toString());
            assertEquals("error: " + input + ": " + (input == broken ? "broken link" : "symbolic link loop") + "\n",
                    r.err());
        }
    }

    @Test
    @Timeout(60)
    void classifyRefusesAFifoAsMeanFileAndAsLabels() throws Exception {
        Path fifo = HostileImages.fifo(dir.resolve("mean.npy"));
        CliRun mean = CliRun.of("classify", "--no-progress", "--model", "lenet-mnist", "--mean-file", fifo.toString(),
                "testdata/mnist/t10k_00_label7.pgm");
        assertEquals(Main.EXIT_BAD_INPUT, mean.code(), mean.toString());
        assertEquals("error: " + fifo + ": not a regular file\n", mean.err());
        CliRun labels = CliRun.of("classify", "--no-progress", "--model", "lenet-mnist", "--labels", fifo.toString(),
                "testdata/mnist/t10k_00_label7.pgm");
        assertEquals(Main.EXIT_BAD_INPUT, labels.code(), labels.toString());
        assertEquals("error: " + fifo + ": not a regular file\n", labels.err());
    }
}
