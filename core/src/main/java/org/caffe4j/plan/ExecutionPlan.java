package org.caffe4j.plan;

import org.caffe4j.ir.Graph;

import java.util.List;
import java.util.Map;

/**
 * An immutable, thread-safe schedule for one set of input shapes: the steps in order, the size of each reusable
 * buffer (slot), which slot holds each input, and which slot holds each blob the caller asked to keep.
 */
public record ExecutionPlan(Graph graph, List<Step> steps, int[] slotSizes, Map<String, Integer> inputSlots,
                            Map<String, Integer> keptSlots) {

    /** Floats held by the activation buffers of one run. */
    public long activationFloats() {
        long n = 0;
        for (int s : slotSizes) {
            n += s;
        }
        return n;
    }
}
