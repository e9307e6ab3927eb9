package org.caffe4j.classify;

/** One ranked class: its label (the labels file's line, or the index as text), its index, and its probability. */
public record Prediction(String label, int index, float probability) {
}
