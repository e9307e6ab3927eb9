/**
 * Models known by name: {@link org.caffe4j.registry.ModelRegistry} finds a {@link org.caffe4j.registry.ModelSpec}
 * (definition, weights with their checksum and download address, labels, preprocessing) in the jar, a models folder
 * or the user's cache.
 */
package org.caffe4j.registry;
