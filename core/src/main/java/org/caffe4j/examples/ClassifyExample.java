package org.caffe4j.examples;

import org.caffe4j.classify.Classifier;
import org.caffe4j.classify.Prediction;

import java.nio.file.Path;
import java.util.List;

/**
 * The smallest complete use of the Java API: classify images with a registered model.
 *
 * <pre>
 * java -cp target/caffe4j-all.jar org.caffe4j.examples.ClassifyExample lenet-mnist testdata/mnist/t10k_00_label7.pgm
 * java -cp target/caffe4j-all.jar org.caffe4j.examples.ClassifyExample nin-imagenet testdata/images/cat.jpg
 * </pre>
 * (nin-imagenet downloads its 29 MB weights into ~/.cache/caffe4j on first use.)
 */
public final class ClassifyExample {
    private ClassifyExample() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ClassifyExample MODEL IMAGE...   (MODEL: lenet-mnist, cifar10-quick, nin-imagenet)");
            System.exit(2);
        }
        // One Classifier is thread-safe and reusable; close it to stop its worker threads.
        try (Classifier classifier = Classifier.load(args[0])) {
            for (int i = 1; i < args.length; i++) {
                List<Prediction> top = classifier.classify(Path.of(args[i]), 5);
                System.out.println(args[i]);
                for (Prediction p : top) {
                    System.out.printf("  %.4f  %s%n", p.probability(), p.label());
                }
            }
        }
    }
}
