package org.caffe4j.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * FlowNet 2.0 publishes its deploy nets as templates; its scripts/run-flownet.py fills in the image size
 * (TARGET), that size rounded up to a multiple of 64 (ADAPTED) and their ratios (SCALE). This is the same
 * substitution, written as Python 2's str() writes the numbers.
 */
public final class FlowNetTemplate {
    private FlowNetTemplate() {
    }

    public static String render(Path template, int width, int height) throws IOException {
        int adaptedWidth = (int) Math.ceil(width / 64.0) * 64, adaptedHeight = (int) Math.ceil(height / 64.0) * 64;
        return Files.readString(template)
                .replace("$TARGET_WIDTH$", Integer.toString(width))
                .replace("$TARGET_HEIGHT$", Integer.toString(height))
                .replace("$ADAPTED_WIDTH$", Integer.toString(adaptedWidth))
                .replace("$ADAPTED_HEIGHT$", Integer.toString(adaptedHeight))
                .replace("$SCALE_WIDTH$", pythonFloat(width / (double) adaptedWidth))
                .replace("$SCALE_HEIGHT$", pythonFloat(height / (double) adaptedHeight));
    }

    /** Python 2.7's str(float): 12 significant digits, trailing zeros dropped, at least one decimal. */
    static String pythonFloat(double v) {
        String s = new java.math.BigDecimal(v).round(new java.math.MathContext(12)).stripTrailingZeros()
                .toPlainString();
        return s.contains(".") ? s : s + ".0";
    }

    public static Path renderTo(Path template, int width, int height, Path out) throws IOException {
        Files.writeString(out, render(template, width, height));
        return out;
    }
}
