package org.caffe4j.detect;

/**
 * One detected object: its class (label from the labels file, or the index as text), the score, and the box in the
 * image's pixels (left, top, right, bottom; the image as decoded, upright by its EXIF orientation).
 */
public record Detection(String label, int index, float score, double xmin, double ymin, double xmax, double ymax) {
}
