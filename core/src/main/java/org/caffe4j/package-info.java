/**
 * caffe4j: a pure-Java importer and runtime for Caffe models. Start at {@link org.caffe4j.runtime.Model},
 * {@link org.caffe4j.classify.Classifier} or {@link org.caffe4j.detect.Detector}. This package holds the errors:
 * every problem with a model or an input the user gave is an unchecked {@link org.caffe4j.CaffeModelException}
 * ({@link org.caffe4j.MalformedModelException}, {@link org.caffe4j.UnsupportedLayerException},
 * {@link org.caffe4j.ShapeException}) whose message names the file, the layer and the field.
 */
package org.caffe4j;
