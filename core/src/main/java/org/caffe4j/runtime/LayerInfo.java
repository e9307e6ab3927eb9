package org.caffe4j.runtime;

import java.util.List;

/**
 * One layer of a net, read-only: what {@code caffe4j summary} prints.
 *
 * @param outputs      the layer's tops with their inferred shapes
 * @param parameters   weight values the layer holds (or would hold, for a net loaded without weights)
 * @param multiplyAdds multiply-adds of one forward pass (convolutions and inner products; 0 for the rest)
 */
public record LayerInfo(String name, String type, List<String> bottoms, List<String> tops, List<BlobInfo> outputs,
                        long parameters, long multiplyAdds) {
    public LayerInfo {
        bottoms = List.copyOf(bottoms);
        tops = List.copyOf(tops);
        outputs = List.copyOf(outputs);
    }
}
