/**
 * Loading and running a Caffe model: {@link org.caffe4j.runtime.Model} (from {@code Model.builder()}: files, streams
 * or a registered name, threads, batch, input shapes), {@link org.caffe4j.runtime.Tensor} in and out, and read-only
 * descriptions of the net ({@link org.caffe4j.runtime.NetInfo}, {@link org.caffe4j.runtime.StepInfo},
 * {@link org.caffe4j.runtime.Footprint}).
 *
 * <p>A {@code Model} is immutable and thread-safe: any number of threads may run it at once, each run borrowing its
 * own activation buffers; an input of another batch or spatial size reshapes the net, as Caffe does. It is
 * {@link java.lang.AutoCloseable}: close it to stop its worker threads. Errors are unchecked
 * {@link org.caffe4j.CaffeModelException}s whose messages name the file, the layer and the field.
 */
package org.caffe4j.runtime;
