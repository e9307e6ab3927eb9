package org.caffe4j.runtime;

import org.caffe4j.ir.Graph;
import org.caffe4j.ops.registry.OpRegistry;
import org.caffe4j.proto.Caffe;

/** Tests' door to an import's internal forms, which the library keeps out of its public signatures. */
public final class ImportedInternals {
    private ImportedInternals() {
    }

    public static Graph graph(ModelFiles.Imported imported) {
        return imported.graph();
    }

    public static Caffe.NetParameter deploy(ModelFiles.Imported imported) {
        return imported.deploy();
    }

    public static OpRegistry ops(ModelFiles.Imported imported) {
        return imported.ops();
    }

    /** The graph of a model (package-private in {@link Model}). */
    public static Graph graph(Model model) {
        return model.graph();
    }
}
