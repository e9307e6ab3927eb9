package org.caffe4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.caffe4j.proto.Caffe;
import org.caffe4j.testing.NinTestModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Caffemodels are parsed from a stream in small reads, by protobuf-java's own parsers, to the same message. */
@Timeout(60)
class NetReaderStreamingTest {
    @Test
    void streamedParsesEqualWholeFileParses() throws Exception {
        for (Path f : new Path[] {Path.of("testdata/lenet_mnist/lenet_iter_10000.caffemodel"),
                Path.of("testdata/cifar10_quick/cifar10_quick_iter_5000.caffemodel"), NinTestModel.cachedCaffemodel()}) {
            Caffe.NetParameter whole = Caffe.NetParameter.parseFrom(Files.readAllBytes(f));
            assertTrue(whole.equals(CaffemodelViewTest.valuesAsLists(NetReader.readCaffemodel(f))), f.toString());
            try (var in = Files.newInputStream(f)) {
                assertTrue(whole.equals(CaffemodelViewTest.valuesAsLists(NetReader.readCaffemodel(in, f.toString()))),
                        f + " as a stream");
            }
        }
    }

    /** NIO caches, per thread, a direct buffer as large as the largest single read: reads stay small. */
    @Test
    void readingACaffemodelAllocatesNoLargeDirectBuffer() throws Exception {
        Path nin = NinTestModel.cachedCaffemodel();
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(p -> p.getName().equals("direct")).findFirst().orElseThrow();
        long before = direct.getMemoryUsed();
        Caffe.NetParameter net = NetReader.readCaffemodel(nin);
        long grown = direct.getMemoryUsed() - before;
        assertTrue(net.getLayersCount() > 0);
        // conv4-1024's weights alone are 14 MB in one field.
        assertTrue(grown < 1 << 20, "direct memory grew by " + grown + " bytes reading " + Files.size(nin));
    }
}
