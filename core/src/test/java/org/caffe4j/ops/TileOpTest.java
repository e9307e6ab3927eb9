package org.caffe4j.ops;

import org.caffe4j.ShapeException;
import org.caffe4j.runtime.Tensor;
import org.caffe4j.testing.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Random;

class TileOpTest extends OpTestBase {
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void repeatsTheBlockFromAxisOn(long seed) {
        Random rnd = new Random(seed);
        int[] shape = randomShape(rnd);
        int axis = rnd.nextInt(shape.length), tiles = 1 + rnd.nextInt(4);
        Tensor x = random(rnd, shape);
        String params = "tile_param { tiles: " + tiles + " axis: " + (seed % 2 == 0 ? axis - shape.length : axis)
                + " }";
        Tensor y = runOne(layer("Tile", "x0", "y", params), x);
        int[] outShape = shape.clone();
        outShape[axis] *= tiles;
        int inner = (int) (count(shape) / count(java.util.Arrays.copyOf(shape, axis)));
        double[] expected = new double[(int) count(outShape)];
        // Output index (o, t, i) holds input (o, i).
        for (int j = 0; j < expected.length; j++) {
            int o = j / (tiles * inner), i = j % inner;
            expected[j] = x.data()[o * inner + i];
        }
        assertTensor(Tolerance.EXACT, outShape, expected, y);
    }

    @Test
    void tilesChannelsAsBlocks() {
        Tensor x = new Tensor(new int[]{2, 2}, new float[]{1, 2, 3, 4});
        assertTensor(Tolerance.EXACT, new int[]{2, 4}, new double[]{1, 2, 1, 2, 3, 4, 3, 4},
                runOne(layer("Tile", "x0", "y", "tile_param { tiles: 2 }"), x));
        assertTensor(Tolerance.EXACT, new int[]{6, 2}, new double[]{1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4},
                runOne(layer("Tile", "x0", "y", "tile_param { axis: 0 tiles: 3 }"), x));
    }

    @Test
    void rejectsMissingOrNonPositiveTiles() {
        Tensor x = random(new Random(1), 2, 3);
        assertRejected(ShapeException.class, "Tile", "tile_param.tiles", layer("Tile", "x0", "y", ""), x);
        assertRejected(ShapeException.class, "Tile", "tile_param.tiles",
                layer("Tile", "x0", "y", "tile_param { tiles: -2 }"), x);
    }

    @Test
    void rejectsAxisOutOfRangeAndOverflowingTiles() {
        Tensor x = random(new Random(1), 2, 3);
        assertRejected(ShapeException.class, "Tile", "tile_param.axis",
                layer("Tile", "x0", "y", "tile_param { axis: 2 tiles: 2 }"), x);
        assertRejected(ShapeException.class, "Tile", "tile_param.tiles",
                layer("Tile", "x0", "y", "tile_param { tiles: 2000000000 }"), x);
    }

    @Test
    void batchFollowsTheInput() {
        assertBatchFollowsInput(layer("Tile", "x0", "y", "tile_param { axis: 2 tiles: 3 }"), List.of(),
                random(new Random(4), 3, 2, 4));
    }
}
