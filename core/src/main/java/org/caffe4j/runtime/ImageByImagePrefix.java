package org.caffe4j.runtime;

import java.util.List;
import java.util.Set;

import org.caffe4j.plan.ExecutionPlan;
import org.caffe4j.plan.Step;

/**
 * The leading steps of a batch run that run one image at a time, on the batch-1 plan, before the rest of the net
 * runs on the whole batch. Layers with few weights and large activations (NIN's conv1, cccp1, cccp2 and pool0: 1.3
 * MB of weights, 1.1 MB of output per image each) gain nothing from a batch, whose activations (9 MB a layer at
 * batch 8) then go through memory between layers; one image at a time they stay in the cache from one layer to the
 * next. The layers with many weights after them still run batched, reading each weight once for all images. The
 * kernels compute every output with the same float operations whatever the batch, so the result is bit-identical to
 * running the whole net batched.
 *
 * <p>Only a prefix of per-image layer types is taken, only for a net with one input, and only when exactly one value
 * crosses from the prefix to the rest (checked on the batch plan's buffers), so that one copy per image joins them.
 * It stops before a layer that runs a batch much faster whole ({@link org.caffe4j.ops.LayerKernel#batchesBetter}),
 * such as NIN's conv1, whose prefix this leaves empty (bench/HISTORY.md, session 38).
 *
 * @param perImage the batch-1 plan and its buffer sets
 * @param steps    how many leading steps run image by image
 * @param inputFloats floats of one image's input
 * @param boundarySlotOne the batch-1 plan's buffer holding the prefix's output
 * @param boundarySlotBatch the batch plan's buffer the images' prefix outputs are copied into
 * @param boundaryFloats floats of one image's prefix output
 */
record ImageByImagePrefix(Model.PlanState perImage, int steps, int inputFloats, int boundarySlotOne,
                          int boundarySlotBatch, int boundaryFloats) {

    /** Most bytes of weights (as the kernels store them) the prefix may hold: re-read per image from the cache. */
    static final long MAX_WEIGHT_BYTES = 2L << 20;
    /** A batch's activations per layer below this (4 MB) stay in the cache anyway: no split. */
    static final long MIN_BATCH_ACTIVATION_FLOATS = 1L << 20;
    /**
     * Layer types whose output for one image depends only on that image's input, whatever their parameters (not
     * Scale or Bias, whose axis may be the batch's; BatchNorm and Scale after a convolution are folded into its step).
     */
    private static final Set<String> PER_IMAGE_TYPES = Set.of("Convolution", "ReLU", "Pooling", "LRN", "Dropout",
            "Sigmoid", "TanH", "PReLU", "ELU", "AbsVal", "Power", "BNLL");

    /** Whether a batch plan could have a prefix at all (its first step is per image), before planning batch 1. */
    static boolean possible(ExecutionPlan batch) {
        return !batch.steps().isEmpty() && batch.inputSlots().size() == 1
                && PER_IMAGE_TYPES.contains(batch.steps().get(0).node().type());
    }

    /**
     * The prefix for a batch plan and the batch-1 plan of the same net, or null when none pays or is safe: the two
     * plans must have the same steps up to its end, and the longest prefix is taken after which the batch plan reads only the
     * prefix's one output (a branch that reads an earlier value, such as a residual connection, shortens it).
     */
    static ImageByImagePrefix find(ExecutionPlan batch, Model.PlanState one, int images) {
        ExecutionPlan single = one.plan();
        List<Step> steps = batch.steps();
        if (images <= 1 || batch.inputSlots().size() != 1) {
            return null;
        }
        // The plans agree step for step over the prefix (later they may not: at batch 1 a Concat's inputs are
        // written into its buffer and it has no step), and no prefix step writes into such a buffer.
        long weights = 0;
        int longest = 0;
        while (longest < steps.size() && longest < single.steps().size()) {
            Step s = steps.get(longest);
            Step alone = single.steps().get(longest);
            weights += s.kernel().weightBytes();
            if (!s.node().name().equals(alone.node().name()) || !PER_IMAGE_TYPES.contains(s.node().type())
                    || s.outputSlots().length != 1 || alone.outputSlots().length != 1 || alone.outputOffset() != 0
                    || weights > MAX_WEIGHT_BYTES || s.kernel().batchesBetter()) {
                break;
            }
            longest++;
        }
        for (int k = longest; k > 0; k--) {
            ImageByImagePrefix p = at(batch, one, k, images);
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    /** The prefix of the first k steps, or null when the rest reads another value or the batch is small. */
    private static ImageByImagePrefix at(ExecutionPlan batch, Model.PlanState one, int k, int images) {
        ExecutionPlan single = one.plan();
        List<Step> steps = batch.steps();
        long largest = 0;
        for (int j = 0; j < k; j++) {
            largest = Math.max(largest, single.steps().get(j).node().outputs().get(0).shape().count());
        }
        if (largest * images < MIN_BATCH_ACTIVATION_FLOATS) {
            return null;
        }
        int boundaryBatch = steps.get(k - 1).outputSlots()[0];
        // After the prefix the batch plan may read only the boundary or buffers it wrote itself since.
        boolean[] written = new boolean[batch.slotSizes().length];
        for (int j = k; j < steps.size(); j++) {
            for (int slot : steps.get(j).inputSlots()) {
                if (slot != boundaryBatch && !written[slot]) {
                    return null;
                }
            }
            for (int slot : steps.get(j).outputSlots()) {
                written[slot] = true;
            }
        }
        for (int slot : batch.keptSlots().values()) {
            if (slot != boundaryBatch && !written[slot]) {
                return null;
            }
        }
        long boundaryFloats = single.steps().get(k - 1).node().outputs().get(0).shape().count();
        long inputFloats = single.graph().inputs().get(0).shape().count();
        if (boundaryFloats * images > batch.slotSizes()[boundaryBatch]) {
            return null;
        }
        return new ImageByImagePrefix(one, k, (int) inputFloats, single.steps().get(k - 1).outputSlots()[0],
                boundaryBatch, (int) boundaryFloats);
    }
}
