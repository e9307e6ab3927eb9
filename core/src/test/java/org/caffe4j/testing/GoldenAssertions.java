package org.caffe4j.testing;

import org.caffe4j.runtime.Model;
import org.caffe4j.verify.Comparison;
import org.caffe4j.verify.GoldenSet;
import org.caffe4j.verify.GoldenVerifier;
import org.caffe4j.verify.Tolerances;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared checks of the {@code <Net>GoldenTest}s: the files are the ones the goldens came from, then every blob. */
public final class GoldenAssertions {
    public static final Path GOLDEN = Path.of("testdata", "golden");

    private GoldenAssertions() {
    }

    /**
     * Runs the net on the set's input and asserts that every golden blob matches under the default tolerances.
     * A missing set, file or blob fails; nothing is skipped.
     */
    public static Comparison assertMatchesGolden(Path prototxt, Path caffemodel, Path goldenDir) throws IOException {
        return assertMatchesGolden(prototxt, caffemodel, goldenDir, org.caffe4j.runtime.LoadOptions.defaults());
    }

    /** As {@link #assertMatchesGolden(Path, Path, Path)}, loading with {@code options} (e.g. an input shape). */
    public static Comparison assertMatchesGolden(Path prototxt, Path caffemodel, Path goldenDir,
                                                 org.caffe4j.runtime.LoadOptions options) throws IOException {
        GoldenSet golden = GoldenSet.open(goldenDir);
        assertTrue(golden.hasMeta(), goldenDir + " has no meta.json");
        // The goldens are only evidence for the exact files they were computed from.
        assertEquals(golden.metaString("prototxt", "sha256").orElseThrow(), NinTestModel.sha256(prototxt),
                prototxt + " is not the prototxt " + goldenDir + " was made from");
        assertEquals(golden.metaString("caffemodel", "sha256").orElseThrow(), NinTestModel.sha256(caffemodel),
                caffemodel + " is not the caffemodel " + goldenDir + " was made from");
        assertEquals(golden.metaString("input", "sha256").orElseThrow(),
                NinTestModel.sha256(golden.inputFile().orElseThrow()), "input of " + goldenDir);
        if (golden.meta().get("extra_inputs") instanceof List<?> extras) {
            assertEquals(extras.size(), golden.extraInputs().size(), "extra inputs of " + goldenDir);
            for (Object o : extras) {
                java.util.Map<?, ?> m = (java.util.Map<?, ?>) o;
                assertEquals(m.get("sha256"), NinTestModel.sha256(golden.extraInputs().get((String) m.get("blob"))),
                        "input " + m.get("blob") + " of " + goldenDir);
            }
        }
        Comparison c;
        try (Model model = Model.load(prototxt, caffemodel, options)) {
            c = GoldenVerifier.verify(model, golden, null, null, Tolerances.DEFAULT);
        }
        List<?> metaBlobs = (List<?>) golden.meta().get("blobs");
        assertEquals(metaBlobs.size(), c.results().size(), "every golden blob must be compared");
        assertFalse(c.results().isEmpty());
        assertTrue(c.passed(), () -> goldenDir + " differs from the reference; first failure "
                + c.firstFailure().map(Object::toString).orElse("?") + "\n" + c.table());
        return c;
    }
}
