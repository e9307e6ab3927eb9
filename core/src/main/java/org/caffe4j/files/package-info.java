/**
 * The user's array and output files: NumPy .npy arrays ({@link org.caffe4j.files.Npy}, read with every numeric
 * dtype, written as float32), writes that replace a file only once complete ({@link org.caffe4j.files.AtomicFiles}),
 * and the one-line reasons an input path cannot be read ({@link org.caffe4j.files.RegularFiles}).
 */
package org.caffe4j.files;
