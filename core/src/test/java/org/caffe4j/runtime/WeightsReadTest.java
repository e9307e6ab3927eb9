package org.caffe4j.runtime;

import org.caffe4j.CaffeModelException;
import org.caffe4j.io.NetReader;
import org.caffe4j.proto.Caffe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The caffemodel is read on a thread of its own while the prototxt is parsed: the result, the errors and the
 * caller's files and streams must be as if both were read one after the other on the caller's thread.
 */
class WeightsReadTest {
    private static final Path LENET = ModelRuntimeTest.LENET;
    private static final Path LENET_WEIGHTS = ModelRuntimeTest.LENET_WEIGHTS;

    @TempDir
    Path dir;

    private static boolean readerAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("caffe4j-weights-reader") && t.isAlive());
    }

    @Test
    void theWeightsReadAsideAreTheWeightsReadInLine() throws Exception {
        ModelFiles.Imported imported = ModelFiles.importModel(LENET, LENET_WEIGHTS, LoadOptions.defaults());
        ModelFiles.Imported fromStreams;
        try (InputStream net = Files.newInputStream(LENET); InputStream weights = Files.newInputStream(LENET_WEIGHTS)) {
            fromStreams = ModelFiles.importModel(net, "net", weights, "weights", LoadOptions.defaults());
        }
        // conv1's filters as the caffemodel stores them: one run of little-endian floats.
        Caffe.LayerParameter conv1 = NetReader.readCaffemodel(LENET_WEIGHTS).getLayerList().stream()
                .filter(l -> l.getName().equals("conv1")).findFirst().orElseThrow();
        java.nio.FloatBuffer stored = conv1.getBlobs(0).getRawData().asReadOnlyByteBuffer()
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] expected = new float[stored.remaining()];
        stored.get(expected);
        assertEquals(20 * 25, expected.length);
        int checked = 0;
        for (int i = 0; i < imported.graph().nodes().size(); i++) {
            var a = imported.graph().nodes().get(i);
            var b = fromStreams.graph().nodes().get(i);
            assertEquals(a.weights().size(), b.weights().size(), a.name());
            for (int k = 0; k < a.weights().size(); k++) {
                assertArrayEquals(a.weights().get(k).data(), b.weights().get(k).data(), a.name() + " blob " + k);
                checked++;
            }
            if (a.name().equals("conv1")) {
                assertArrayEquals(expected, a.weights().get(0).data());
            }
        }
        assertEquals(8, checked, "LeNet's four weighted layers, two blobs each");
        assertFalse(readerAlive(), "the reader thread ends with the import");
    }

    @Test
    void aBrokenPrototxtIsReportedBeforeTheWeightsAndStopsTheirRead() throws Exception {
        Path net = Files.writeString(dir.resolve("broken.prototxt"), "name: \"x\"\nlayer { name: \"a\" type: ");
        Path truncated = dir.resolve("truncated.caffemodel");
        byte[] weights = Files.readAllBytes(LENET_WEIGHTS);
        Files.write(truncated, Arrays.copyOf(weights, weights.length / 2));
        for (Path w : new Path[]{LENET_WEIGHTS, truncated}) {
            CaffeModelException e = assertThrows(CaffeModelException.class,
                    () -> ModelFiles.importModel(net, w, LoadOptions.defaults()));
            assertTrue(e.getMessage().contains("broken.prototxt"), e.getMessage());
            assertFalse(readerAlive(), "no thread reads the caller's file after the import has returned");
        }
    }

    @Test
    void aBrokenCaffemodelIsReportedAsItsOwnReadReportsIt() throws Exception {
        Path truncated = dir.resolve("truncated.caffemodel");
        byte[] weights = Files.readAllBytes(LENET_WEIGHTS);
        Files.write(truncated, Arrays.copyOf(weights, weights.length - 100));
        Exception direct = assertThrows(Exception.class, () -> NetReader.readCaffemodel(truncated));
        Exception viaImport = assertThrows(Exception.class,
                () -> ModelFiles.importModel(LENET, truncated, LoadOptions.defaults()));
        assertEquals(direct.getClass(), viaImport.getClass());
        assertEquals(direct.getMessage(), viaImport.getMessage());
        assertTrue(viaImport.getMessage().contains("truncated.caffemodel"), viaImport.getMessage());
        IOException missing = assertThrows(IOException.class,
                () -> ModelFiles.importModel(LENET, dir.resolve("missing.caffemodel"), LoadOptions.defaults()));
        assertTrue(missing.getMessage().contains("missing.caffemodel"), missing.getMessage());
    }

    @Test
    void aStreamIsNotReadAfterTheImportHasFailed() throws Exception {
        AtomicInteger readsAfterReturn = new AtomicInteger();
        boolean[] returned = {false};
        byte[] weights = Files.readAllBytes(LENET_WEIGHTS);
        InputStream slow = new ByteArrayInputStream(weights) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                if (returned[0]) {
                    readsAfterReturn.incrementAndGet();
                }
                // Many slow small reads, so that the read is under way when the net fails; like many streams this
                // one ignores interrupts (after one, parkNanos returns at once and the rest is read at full speed).
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                return super.read(b, off, Math.min(len, 64));
            }
        };
        InputStream net = new ByteArrayInputStream("layer { name: ".getBytes());
        assertThrows(CaffeModelException.class,
                () -> ModelFiles.importModel(net, "net.prototxt", slow, "w.caffemodel", LoadOptions.defaults()));
        synchronized (slow) {
            returned[0] = true;
        }
        assertFalse(readerAlive());
        Thread.sleep(50);
        assertEquals(0, readsAfterReturn.get());
    }
}
