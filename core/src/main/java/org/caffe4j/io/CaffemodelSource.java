package org.caffe4j.io;

import org.caffe4j.CaffeModelException;
import org.caffe4j.ir.Blob;
import org.caffe4j.ir.BlobOrigin;
import org.caffe4j.proto.Caffe;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.file.Path;

/**
 * A caffemodel file as the place its blobs can be read again from, once the planner has dropped the values a kernel
 * keeps only a transform of ({@link Blob#releaseToOrigin}). Reading again parses the whole file, as loading did,
 * and applies the same upgrade, so a layer's blobs are found at the same position. The parse is kept, weakly, for
 * the next blob: a re-plan or {@code upgrade} usually asks for several in a row.
 */
public final class CaffemodelSource {
    private final Path file;
    private final String name;
    private WeakReference<Caffe.NetParameter> parsed = new WeakReference<>(null);

    /** @param name the file as messages name it */
    public CaffemodelSource(Path file, String name) {
        this.file = file;
        this.name = name;
    }

    /**
     * Where blob {@code blob} of layer {@code layer} (its position in the upgraded caffemodel, named
     * {@code layerName}) can be read again.
     */
    public BlobOrigin origin(int layer, String layerName, int blob) {
        return checksum -> reload(layer, layerName, blob, checksum);
    }

    private float[] reload(int layer, String layerName, int blob, long checksum) {
        String where = name + ": layer '" + layerName + "' blobs[" + blob + "]";
        Caffe.NetParameter net;
        try {
            net = parse();
        } catch (IOException | CaffeModelException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "the file is gone" : e.getMessage();
            throw new CaffeModelException(where + ": cannot read the weights again (" + why
                    + "); they were dropped once the kernels held their own copy. Load the model again", e);
        }
        float[] values = null;
        if (layer < net.getLayerCount() && net.getLayer(layer).getName().equals(layerName)
                && blob < net.getLayer(layer).getBlobsCount()) {
            values = BlobDecoder.decode(net.getLayer(layer).getBlobs(blob), where).data();
        }
        if (values == null || Blob.checksum(values) != checksum) {
            throw new CaffeModelException(where + ": the file has changed since the model was loaded, and the "
                    + "weights the kernels no longer held were needed again. Load the model again");
        }
        return values;
    }

    private synchronized Caffe.NetParameter parse() throws IOException {
        Caffe.NetParameter net = parsed.get();
        if (net == null) {
            net = NetUpgrader.upgrade(NetReader.readCaffemodel(file), name);
            parsed = new WeakReference<>(net);
        }
        return net;
    }
}
