package org.caffe4j.ir;

/**
 * Where a blob's loaded values can be read again: the caffemodel they came from. A kernel that keeps only a
 * transform of its weights (Winograd's, or weights folded with a BatchNorm) lets the planner drop the loaded values
 * ({@link Blob#releaseToOrigin}); they are read again from here only if a later plan needs them.
 */
@FunctionalInterface
public interface BlobOrigin {
    /**
     * The values as they were loaded. Fails, naming the file and the layer, when what is there now no longer has
     * the {@link Blob#checksum} of the values that were dropped (the file was changed or replaced), so a changed
     * file can never give a silently different answer.
     */
    float[] reload(long checksum);
}
