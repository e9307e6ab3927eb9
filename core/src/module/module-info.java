/**
 * caffe4j as a module: only the packages a user programs against are exported; the import stages, the graph, the
 * plan, the kernels and the generated (and relocated) protobuf classes stay inside.
 *
 * <p>Compiled after the library jar is shaded (see core/pom.xml), because the jar carries protobuf-java relocated
 * under org.caffe4j.shaded and so needs no protobuf module. The Vector API is optional: run with
 * {@code --add-modules jdk.incubator.vector} for the vector kernels, without it the scalar twins run.
 */
module org.caffe4j {
    requires java.desktop; // ImageIO and BufferedImage for image inputs
    requires java.logging; // the relocated protobuf runtime logs through java.util.logging
    requires java.management; // MemoryBudget reads the heap pools as a full collection left them
    requires jdk.unsupported; // and reads sun.misc.Unsafe for its fast paths
    requires static jdk.incubator.vector;

    exports org.caffe4j;
    exports org.caffe4j.runtime;
    exports org.caffe4j.classify;
    exports org.caffe4j.detect;
    exports org.caffe4j.verify;
    exports org.caffe4j.registry;
    exports org.caffe4j.fetch;
    exports org.caffe4j.files;
    exports org.caffe4j.preprocess;
    exports org.caffe4j.spi;
    exports org.caffe4j.examples;

    uses org.caffe4j.spi.CustomLayer;
}
