/**
 * Regression tests of a converted model: a {@link org.caffe4j.verify.GoldenSet} (an input and reference activations
 * as .npy files with a meta.json) is run through a model and every blob compared within
 * {@link org.caffe4j.verify.Tolerances} ({@link org.caffe4j.verify.GoldenVerifier}, {@link org.caffe4j.verify.Comparison}).
 */
package org.caffe4j.verify;
