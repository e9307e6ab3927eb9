package org.caffe4j.registry;

import org.caffe4j.MalformedModelException;
import org.caffe4j.preprocess.ChannelOrder;
import org.caffe4j.preprocess.PreprocessConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelRegistryTest {
    @TempDir
    Path cache;

    private ModelRegistry repoFolder() {
        return ModelRegistry.of(List.of(Path.of("models")), false, cache);
    }

    private ModelRegistry classpathOnly() {
        return ModelRegistry.of(List.of(), true, cache);
    }

    static String sha1(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-1");
        try (InputStream in = Files.newInputStream(file)) {
            md.update(in.readAllBytes());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void indexListsExactlyTheModelFolders() throws IOException {
        List<String> folders;
        try (Stream<Path> s = Files.list(Path.of("models"))) {
            folders = s.filter(p -> Files.isRegularFile(p.resolve(ModelSpec.MANIFEST)))
                    .map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(folders, ModelRegistry.classpathIndex());
        assertTrue(folders.containsAll(List.of("cifar10-quick", "lenet-mnist", "nin-imagenet")), folders.toString());
        assertEquals(folders, repoFolder().names());
        assertEquals(folders, classpathOnly().names());
    }

    @Test
    void ninManifestDescribesTheGistModel() throws IOException {
        ModelSpec nin = repoFolder().get("nin-imagenet");
        assertEquals("pool4", nin.outputBlob());
        assertTrue(nin.softmax());
        assertEquals("8e89c8fcd46e02780e16c867a5308e7bb7af0803", nin.weights().sha1());
        assertTrue(nin.weights().url().startsWith("https://www.dropbox.com/s/0cidxafrb2wuwxw/nin_imagenet.caffemodel"));
        assertFalse(nin.weightsShipped());
        assertEquals(cache.resolve("nin-imagenet").resolve("nin_imagenet.caffemodel"), nin.weightsPath());
        assertTrue(nin.licence().contains("non-commercial"));
        List<String> labels = nin.labels();
        assertEquals(1000, labels.size());
        assertEquals("n02123045 tabby, tabby cat", labels.get(281));
        PreprocessConfig p = nin.preprocess();
        assertEquals(256, p.resizeWidth());
        assertEquals(224, p.cropHeight());
        assertEquals(ChannelOrder.BGR, p.channelOrder());
        assertArrayEquals(new float[]{104.007f, 116.669f, 122.679f}, p.mean().values());
        // The definition is the author's V1 train_val, not a converted one.
        String def = Files.readString(nin.definitionPath());
        assertTrue(def.contains("layers {") && def.contains("mean_file"), "V1 train_val expected");
    }

    @Test
    void shippedModelsHaveVerifiedWeightsLabelsAndPresets() throws Exception {
        for (ModelRegistry registry : List.of(repoFolder(), classpathOnly())) {
            ModelSpec lenet = registry.get("lenet-mnist");
            assertTrue(lenet.weightsShipped());
            assertEquals(lenet.weights().sha1(), sha1(lenet.weightsPath()));
            assertEquals(lenet.weights().size(), Files.size(lenet.weightsPath()));
            assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), lenet.labels());
            assertEquals(1, lenet.preprocess().channels());
            assertEquals(0.00390625f, lenet.preprocess().scale());
            assertEquals("prob", lenet.outputBlob());
            assertFalse(lenet.softmax());

            ModelSpec cifar = registry.get("cifar10-quick");
            assertEquals(cifar.weights().sha1(), sha1(cifar.weightsPath()));
            assertEquals(List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
                    "truck"), cifar.labels());
            assertEquals(ChannelOrder.RGB, cifar.preprocess().channelOrder());
            assertTrue(cifar.preprocess().mean().isImage());
            assertEquals(32, cifar.preprocess().mean().height());
            float[] rgbMeans = cifar.preprocess().mean().channelAverages();
            assertEquals(125.306918, rgbMeans[0], 1e-3);
            assertEquals(113.865383, rgbMeans[2], 1e-3);
            assertTrue(Files.isRegularFile(cifar.definitionPath()));
        }
    }

    @Test
    void classpathFilesAreExtractedIntoTheCache() throws Exception {
        ModelSpec lenet = classpathOnly().get("lenet-mnist");
        assertTrue(lenet.location().startsWith("classpath:"));
        Path def = lenet.definitionPath();
        assertTrue(def.startsWith(cache), def.toString());
        assertEquals(sha1(Path.of("models/lenet-mnist/lenet.prototxt")), sha1(def));
    }

    @Test
    void userFoldersComeFirstAndMayBeOneModelOrAFolderOfModels(@TempDir Path user) throws IOException {
        Path mine = Files.createDirectories(user.resolve("lenet-mnist"));
        Files.writeString(mine.resolve(ModelSpec.MANIFEST), """
                description=my own LeNet
                definition=net.prototxt
                weights.file=w.caffemodel
                labels=labels.txt
                output=ip2
                softmax=true
                input.channels=1
                input.crop=28
                """);
        ModelRegistry registry = ModelRegistry.standard(List.of(user), cache);
        assertEquals("my own LeNet", registry.get("lenet-mnist").description());
        assertEquals("my own LeNet", ModelRegistry.standard(List.of(mine), cache).get("lenet-mnist").description());
        assertTrue(registry.names().contains("nin-imagenet"), "built-in models stay visible");
        ModelSpec spec = registry.get("lenet-mnist");
        assertNull(spec.weights().url());
        assertEquals(28, spec.preprocess().cropWidth());
    }

    @Test
    void badManifestNamesTheFileAndKey(@TempDir Path user) throws IOException {
        Path broken = Files.createDirectories(user.resolve("broken"));
        Files.writeString(broken.resolve(ModelSpec.MANIFEST), "definition=a.prototxt\nweights.file=a.caffemodel\nsoftmax=true\n");
        MalformedModelException e = assertThrows(MalformedModelException.class,
                () -> ModelRegistry.of(List.of(user), false, cache).get("broken"));
        assertTrue(e.getMessage().contains("model.properties") && e.getMessage().contains("'output'"), e.getMessage());

        Files.writeString(broken.resolve(ModelSpec.MANIFEST),
                "definition=a\nweights.file=a\noutput=o\nsoftmax=true\ninput.resize=12xq\n");
        e = assertThrows(MalformedModelException.class, () -> ModelRegistry.of(List.of(user), false, cache).get("broken"));
        assertTrue(e.getMessage().contains("input.resize"), e.getMessage());

        String base = "definition=a\nweights.file=a\noutput=o\nsoftmax=true\n";
        for (String[] bad : new String[][]{
                {"input.mean=1,abc,3", "input.mean '1,abc,3': 'abc' is not a number"},
                {"input.raw_scale=NaN", "input.raw_scale must be positive and finite, got 'NaN'"},
                {"input.scale=x", "input.scale must be a number, got 'x'"},
                {"input.channels=two", "input.channels must be 1 or 3, got 'two'"},
                {"input.order=BRG", "input.order must be BGR or RGB, got 'BRG'"},
                {"input.crop=0", "input.crop must be positive, got '0'"}}) {
            Files.writeString(broken.resolve(ModelSpec.MANIFEST), base + bad[0] + "\n");
            e = assertThrows(MalformedModelException.class,
                    () -> ModelRegistry.of(List.of(user), false, cache).get("broken"), bad[0]);
            assertTrue(e.getMessage().contains("model.properties") && e.getMessage().endsWith(": " + bad[1]),
                    e.getMessage());
        }
    }

    /** File names from a manifest are joined to the model folder and the cache: anything but a plain name is refused. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "weights.file    | ../../x.caffemodel",
            "weights.file    | ..",
            "weights.file    | /etc/passwd",
            "weights.file    | sub/w.caffemodel",
            "weights.file    | sub\\\\w.caffemodel",
            "weights.file    | C:w.caffemodel",
            "weights.file    | w\\u0000.caffemodel",
            "definition      | ../net.prototxt",
            "labels          | .",
            "input.mean.file | ../../mean.npy"})
    void manifestFileNamesMustBePlainNames(String key, String value, @TempDir Path user) throws IOException {
        Path dir = Files.createDirectories(user.resolve("hostile"));
        String manifest = "definition=net.prototxt\nweights.file=w.caffemodel\noutput=prob\nsoftmax=false\n";
        // Properties keep the last value of a repeated key, so appending overrides the plain default above.
        Files.writeString(dir.resolve(ModelSpec.MANIFEST), manifest + key + "=" + value + "\n");
        MalformedModelException e = assertThrows(MalformedModelException.class,
                () -> ModelRegistry.of(List.of(user), false, cache).get("hostile"));
        assertTrue(e.getMessage().contains(dir.resolve(ModelSpec.MANIFEST).toString())
                && e.getMessage().contains(key + " must be a plain file name"), e.getMessage());
        assertFalse(e.getMessage().contains("\0"), "control characters are escaped: " + e.getMessage());
    }

    @Test
    void unknownModelListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> repoFolder().get("alexnet"));
        assertTrue(e.getMessage().contains("'alexnet'") && e.getMessage().contains("lenet-mnist"), e.getMessage());
        assertTrue(repoFolder().find("../models").isEmpty(), "names cannot climb out of the folders");
    }
}
