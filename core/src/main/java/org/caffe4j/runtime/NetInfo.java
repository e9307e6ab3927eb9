package org.caffe4j.runtime;

import java.util.List;
import java.util.Optional;

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

    /** Whether the net has a blob of this name: an input or any layer's top. */
    public boolean hasBlob(String blob) {
        return inputs.stream().anyMatch(b -> b.name().equals(blob))
                || layers.stream().anyMatch(l -> l.tops().contains(blob));
    }

    /** The layer whose output is the blob's final value (the last one writing it; in-place chains write a blob
     * several times), or empty for an input or an unknown name. */
    public Optional<LayerInfo> lastWriter(String blob) {
        for (int i = layers.size() - 1; i >= 0; i--) {
            if (layers.get(i).tops().contains(blob)) {
                return Optional.of(layers.get(i));
            }
        }
        return Optional.empty();
    }

    public long totalParameters() {
        return layers.stream().mapToLong(LayerInfo::parameters).sum();
    }

    public long totalMultiplyAdds() {
        return layers.stream().mapToLong(LayerInfo::multiplyAdds).sum();
    }
}
