package org.caffe4j.ir;

/**
 * One version of a Caffe blob. In-place layers (top == bottom) produce a new version of the same blob, so every
 * value has exactly one producer; {@code id} is unique in a graph ("conv1" for the first version, then
 * "conv1#relu0" for the version written by layer relu0).
 */
public record Value(String id, String blob, Shape shape) {
}
