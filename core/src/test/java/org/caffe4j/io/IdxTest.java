package org.caffe4j.io;

import org.caffe4j.MalformedModelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IdxTest {
    @Test
    void readsGzippedMnistLabelsAndImages() throws IOException {
        Idx.Array labels = Idx.read(Path.of("testdata/mnist/t10k-labels-idx1-ubyte.gz"));
        assertArrayEquals(new int[]{10000}, labels.shape());
        int[] first10 = new int[10];
        Arrays.setAll(first10, labels::get);
        assertArrayEquals(new int[]{7, 2, 1, 0, 4, 1, 4, 9, 5, 9}, first10); // published first MNIST test labels
        Idx.Array images = Idx.read(Path.of("testdata/mnist/t10k-images-idx3-ubyte.gz"));
        assertArrayEquals(new int[]{10000, 28, 28}, images.shape());
        assertEquals(784, images.itemSize());
        int max = 0;
        for (int i = 0; i < 784; i++) {
            max = Math.max(max, images.get(i));
        }
        assertEquals(255, max, "unsigned bytes must not come back negative");
    }

    @Test
    void readsAnUncompressedFileAndRejectsTruncation(@TempDir Path dir) throws IOException {
        byte[] file = {0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, (byte) 200};
        Path ok = dir.resolve("a.idx");
        Files.write(ok, file);
        Idx.Array a = Idx.read(ok);
        assertArrayEquals(new int[]{2, 3}, a.shape());
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 200}, a.toFloats(0, 6, 1f));
        Path cut = dir.resolve("cut.idx");
        Files.write(cut, Arrays.copyOf(file, file.length - 2));
        assertThrows(MalformedModelException.class, () -> Idx.read(cut));
    }
}
