/**
 * Downloading a registered model's weights into the cache, verified by checksum and written atomically
 * ({@link org.caffe4j.fetch.WeightsFetcher}).
 */
package org.caffe4j.fetch;
