package org.caffe4j.runtime;

import java.util.List;

/**
 * A net's structure as caffe4j imported it, read-only: its inputs and outputs, its layers in order (node i is
 * deploy layer i) and what the importer did to get there ({@link #notes()}). Nothing here refers to caffe4j's
 * internal graph, plan or protobuf types.
 */
public record NetInfo(String name, List<BlobInfo> inputs, List<BlobInfo> outputs, List<LayerInfo> layers,
                      List<String> notes) {
    public NetInfo {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        layers = List.copyOf(layers);
        notes = List.copyOf(notes);
    }

    public long totalParameters() {
        return layers.stream().mapToLong(LayerInfo::parameters).sum();
    }

    public long totalMultiplyAdds() {
        return layers.stream().mapToLong(LayerInfo::multiplyAdds).sum();
    }
}
