package org.caffe4j.preprocess;

/**
 * Order of the colour planes a network expects. Caffe models trained from OpenCV-decoded images (ImageNet,
 * most of the model zoo) expect {@link #BGR}; models trained on arrays stored as RGB (Caffe's CIFAR-10 example)
 * expect {@link #RGB}. Ignored for single-channel models.
 */
public enum ChannelOrder {
    BGR,
    RGB
}
