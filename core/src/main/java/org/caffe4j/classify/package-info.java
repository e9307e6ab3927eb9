/**
 * Image classification: {@link org.caffe4j.classify.Classifier} (from {@code Classifier.builder()} or
 * {@code Classifier.load("lenet-mnist")}) decodes and preprocesses an image as the model was trained, runs it and
 * returns the top-K {@link org.caffe4j.classify.Prediction}s. A classifier is immutable, thread-safe and
 * {@link java.lang.AutoCloseable}.
 */
package org.caffe4j.classify;
