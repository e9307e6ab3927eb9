/**
 * Object detection with SSD-style nets ({@code DetectionOutput}): {@link org.caffe4j.detect.Detector} (from
 * {@code Detector.builder()}) returns {@link org.caffe4j.detect.Detection}s in the image's pixels. Immutable,
 * thread-safe and {@link java.lang.AutoCloseable}.
 */
package org.caffe4j.detect;
