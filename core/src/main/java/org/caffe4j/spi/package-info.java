/**
 * The plug-in interface for layer types caffe4j does not know: implement {@link org.caffe4j.spi.CustomLayer} and
 * list the class in {@code META-INF/services/org.caffe4j.spi.CustomLayer}. Nothing here exposes caffe4j's graph,
 * plan or protobuf types, so a plug-in keeps working across their changes.
 */
package org.caffe4j.spi;
