/** A runnable example of the Java API ({@link org.caffe4j.examples.ClassifyExample}). */
package org.caffe4j.examples;
