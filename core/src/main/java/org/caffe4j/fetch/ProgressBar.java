package org.caffe4j.fetch;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar redrawn in place with carriage returns, at most ten times a second. Disabled bars do
 * nothing, so callers need no conditionals. Not thread-safe on its own; {@link #update} is synchronized for callers
 * that report from several threads.
 */
public final class ProgressBar {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter out;
    private final String label;
    private final long total;
    private final boolean bytes;
    private final long start = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    private ProgressBar(PrintWriter out, String label, long total, boolean bytes) {
        this.out = out;
        this.label = label;
        this.total = total;
        this.bytes = bytes;
    }

    /** A bar counting bytes ({@code total} −1 when unknown); {@code out} null disables it. */
    public static ProgressBar forBytes(PrintWriter out, String label, long total) {
        return new ProgressBar(out, label, total, true);
    }

    /** A bar counting items (images, files); {@code out} null disables it. */
    public static ProgressBar forItems(PrintWriter out, String label, long total) {
        return new ProgressBar(out, label, total, false);
    }

    /**
     * Whether to draw progress by default: only on an interactive terminal. JDK 17 cannot ask whether stderr
     * itself is a terminal; a console attached to the process (stdin and stdout on a terminal) is the best guess.
     */
    public static boolean interactiveByDefault() {
        String term = System.getenv("TERM");
        return System.console() != null && (term == null || !term.equals("dumb"));
    }

    public synchronized void update(long done) {
        if (out == null) {
            return;
        }
        long now = System.nanoTime();
        if (drawn && now - lastDraw < REDRAW_NANOS && done != total) {
            return;
        }
        lastDraw = now;
        drawn = true;
        StringBuilder sb = new StringBuilder("\r").append(label).append(' ');
        if (total > 0) {
            int filled = (int) Math.min(WIDTH, done * WIDTH / total);
            sb.append('[').append("=".repeat(filled)).append(" ".repeat(WIDTH - filled)).append("] ");
            sb.append(String.format(Locale.ROOT, "%3d%% ", done * 100 / total));
        }
        sb.append(bytes ? megabytes(done) + (total > 0 ? "/" + megabytes(total) : "") + " MB"
                : done + (total > 0 ? "/" + total : ""));
        double seconds = (now - start) / 1e9;
        if (bytes && seconds > 0.5) {
            sb.append(String.format(Locale.ROOT, "  %.1f MB/s", done / 1e6 / seconds));
        }
        out.print(sb);
        out.flush();
    }

    /** Ends the line (only if anything was drawn). */
    public synchronized void finish() {
        if (out != null && drawn) {
            out.println();
            out.flush();
        }
    }

    private static String megabytes(long n) {
        return String.format(Locale.ROOT, "%.1f", n / 1e6);
    }
}
