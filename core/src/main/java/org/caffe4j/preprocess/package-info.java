/**
 * Caffe's {@code transform_param} outside the graph: image decoding ({@link org.caffe4j.preprocess.ImageDecoder}:
 * EXIF orientation, CMYK, a pixel limit), resizing, mean subtraction, scaling, cropping and channel order
 * ({@link org.caffe4j.preprocess.PreprocessConfig}, {@link org.caffe4j.preprocess.Preprocessor}).
 */
package org.caffe4j.preprocess;
