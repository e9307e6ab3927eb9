package org.caffe4j.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.TextFormat;
import org.caffe4j.io.NetReader;
import org.caffe4j.proto.Caffe;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

/** Binary NetParameters (caffemodels): as the weights of a small fixed net, and as a net on their own. */
class NetBinaryFuzzTest {
    /** Every weighted kind of layer the fixed net offers a caffemodel to fill, on a tiny input. */
    private static final byte[] NET = """
            name: "fixed"
            layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 2 dim: 6 dim: 6 } } }
            layer { name: "conv" type: "Convolution" bottom: "data" top: "conv"
                    convolution_param { num_output: 4 kernel_size: 3 pad: 1 } }
            layer { name: "bn" type: "BatchNorm" bottom: "conv" top: "conv" }
            layer { name: "scale" type: "Scale" bottom: "conv" top: "conv" scale_param { bias_term: true } }
            layer { name: "prelu" type: "PReLU" bottom: "conv" top: "conv" }
            layer { name: "pool" type: "Pooling" bottom: "conv" top: "pool" pooling_param { pool: MAX kernel_size: 2 stride: 2 } }
            layer { name: "deconv" type: "Deconvolution" bottom: "pool" top: "deconv"
                    convolution_param { num_output: 2 kernel_size: 2 stride: 2 } }
            layer { name: "ip" type: "InnerProduct" bottom: "deconv" top: "ip" inner_product_param { num_output: 3 } }
            layer { name: "prob" type: "Softmax" bottom: "ip" top: "prob" }
            """.getBytes(StandardCharsets.UTF_8);

    @BeforeAll
    static void warmUp() throws Exception {
        ImportPipeline.warmUp();
    }

    @FuzzTest
    @Timeout(10)
    void caffemodelForAFixedNet(byte[] data) throws Exception {
        CleanFailures.expectClean(() -> ImportPipeline.importPlanAndRun(NET, data));
    }

    @FuzzTest
    @Timeout(10)
    void caffemodelAsNet(byte[] data) throws Exception {
        CleanFailures.expectClean(() -> {
            // Caffe accepts a binary NetParameter as the net definition: its layers are the net, its blobs the weights.
            Caffe.NetParameter net = NetReader.readCaffemodel(new ByteArrayInputStream(data), "fuzz.caffemodel");
            byte[] text = TextFormat.printer().printToString(net).getBytes(StandardCharsets.UTF_8);
            ImportPipeline.importPlanAndRun(text, data);
        });
    }
}
