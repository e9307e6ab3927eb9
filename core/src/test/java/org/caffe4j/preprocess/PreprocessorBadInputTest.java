package org.caffe4j.preprocess;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Preprocessing sizes that cannot be allocated are refused before allocating, naming the setting. */
class PreprocessorBadInputTest {
    @Test
    void resizeLargerThanTheHeapIsRefusedAtConstruction() {
        // 3 x 100000 x 100000 floats = 114,441 MB: more than any test heap (-Xmx4g), and an int overflow before.
        PreprocessConfig config = PreprocessConfig.builder().resize(100000).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Preprocessor(config));
        assertTrue(e.getMessage().matches("resize 100000x100000 needs 114441 MB, the heap allows \\d+ MB"),
                e.getMessage());
    }

    @Test
    void cropLargerThanTheHeapIsRefusedAtConstruction() {
        PreprocessConfig config = PreprocessConfig.builder().grayscale().crop(70000, 60000).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Preprocessor(config));
        assertTrue(e.getMessage().startsWith("crop 70000x60000 needs 16022 MB, the heap allows "), e.getMessage());
    }

    @Test
    void largeImageHandedInDecodedIsRefusedBeforeItsFloatPlanes() {
        // 1 bit per pixel in memory (50 MB); as packed RGB plus three float planes it would need 6,122 MB.
        BufferedImage big = new BufferedImage(20000, 20000, BufferedImage.TYPE_BYTE_BINARY);
        Preprocessor p = new Preprocessor(PreprocessConfig.builder().resize(224).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.apply(big));
        assertTrue(e.getMessage().startsWith("image 20000x20000 resized to 224x224 needs 6122 MB, the heap allows "),
                e.getMessage());
    }

    @Test
    void oneArrayBeyondTheJavaLimitIsRefusedEvenWhenTheBytesWouldFit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Preprocessor.requireFits("--crop 50000x50000", 0, Preprocessor.MAX_ARRAY + 1));
        assertEquals("--crop 50000x50000 needs 2147483640 values in one array, more than the 2147483639 a Java"
                + " array holds", e.getMessage());
    }

    @Test
    void sizeProductsSaturateInsteadOfWrapping() {
        assertEquals(30_000_000_000L, Preprocessor.times(3, 100000, 100000));
        assertEquals(Long.MAX_VALUE, Preprocessor.times(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE));
        assertEquals(Long.MAX_VALUE, Preprocessor.floatBytes(Long.MAX_VALUE / 2));
    }
}
