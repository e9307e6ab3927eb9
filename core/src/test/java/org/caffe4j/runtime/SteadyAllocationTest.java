package org.caffe4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.caffe4j.testing.SeededCaffemodel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Once the JIT has compiled the kernels, a forward pass allocates little: its outputs and some bookkeeping. A
 * vector kernel compiled into calls of the Vector API's Java fallback allocates for every vector operation
 * instead, megabytes per pass: JDK 17 did so on AVX-512 for every kernel that ran after the GEMV kernel's 8-float
 * vectors (ResNet-50 2.2 GB/s, its max pool 3x slower), and for AVE pooling's window sums (a vector carried through
 * two nested loops: ~240 KB per pass here). The net here has the layers involved: Winograd 5x5 and 3x3
 * convolutions (two tile sizes, whose output pass once allocated its buffers per task: ~90 KB per pass here), stride-2
 * max pools, AVE pools along rows and across planes (global), a strided 1x1 convolution and an inner product at
 * batch 1 (the GEMV).
 */
class SteadyAllocationTest {
    /**
     * Far above the ~3.5 KB a compiled pass allocates here (JDK 17 and 25, AVX-512 and AVX2; once 31 KB on JDK 25),
     * below each of the regressions above (the lowest 20-pass window of 20 s).
     */
    private static final long BYTES_PER_PASS = 64 * 1024;

    @Test
    void aCompiledPassAllocatesNoVectorBoxes(@TempDir Path tmp) throws Exception {
        Path net = Files.writeString(tmp.resolve("net.prototxt"), """
                name: "steady"
                input: "data" input_shape { dim: 1 dim: 32 dim: 27 dim: 27 }
                layer { name: "conv5" type: "Convolution" bottom: "data" top: "conv5"
                        convolution_param { num_output: 64 kernel_size: 5 pad: 2 } }
                layer { name: "relu5" type: "ReLU" bottom: "conv5" top: "conv5" }
                layer { name: "pool" type: "Pooling" bottom: "conv5" top: "pool"
                        pooling_param { pool: MAX kernel_size: 3 stride: 2 } }
                layer { name: "conv" type: "Convolution" bottom: "pool" top: "conv"
                        convolution_param { num_output: 64 kernel_size: 3 pad: 1 } }
                layer { name: "relu" type: "ReLU" bottom: "conv" top: "conv" }
                layer { name: "pool2" type: "Pooling" bottom: "conv" top: "pool2"
                        pooling_param { pool: MAX kernel_size: 3 stride: 2 } }
                layer { name: "mean" type: "Pooling" bottom: "pool2" top: "mean"
                        pooling_param { pool: AVE kernel_size: 2 stride: 1 } }
                layer { name: "down" type: "Convolution" bottom: "mean" top: "down"
                        convolution_param { num_output: 256 kernel_size: 1 stride: 2 } }
                layer { name: "gap" type: "Pooling" bottom: "down" top: "gap"
                        pooling_param { pool: AVE global_pooling: true } }
                layer { name: "fc" type: "InnerProduct" bottom: "gap" top: "fc" inner_product_param { num_output: 100 } }
                """);
        Path weights = SeededCaffemodel.write(net, LoadOptions.defaults(), 7, tmp.resolve("net.caffemodel"));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules=jdk.incubator.vector");
        // The same vector width as this JVM: a test run under -XX:UseAVX=2 checks the AVX2 kernels here too.
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-XX:UseAVX=")).forEach(cmd::add);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(SteadyAllocationProbe.class.getName());
        cmd.addAll(List.of(net.toString(), weights.toString(), Long.toString(BYTES_PER_PASS), "60"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), output);
        String last = output.strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("bytes_per_pass="), output);
        long perPass = Long.parseLong(last.substring("bytes_per_pass=".length(), last.indexOf(' ')));
        assertTrue(perPass <= BYTES_PER_PASS, "a compiled pass should allocate at most " + BYTES_PER_PASS
                + " bytes; the lowest of 60 s of passes: " + last);
    }
}
