package org.caffe4j.registry;

/**
 * File names taken from a manifest are joined to the model folder and to the cache, so they must be plain names:
 * a manifest from someone else must not be able to read or write outside those folders.
 */
public final class FileNames {
    private FileNames() {
    }

    /**
     * Returns {@code value} when it is a plain file name: not empty, not {@code .} or {@code ..}, and free of path
     * separators ({@code /}, {@code \}, and {@code :} for Windows drives) and control characters.
     *
     * @throws IllegalArgumentException naming {@code key} and the value otherwise
     */
    public static String requirePlain(String key, String value) {
        if (value == null || value.isEmpty() || value.equals(".") || value.equals("..") || !plainCharacters(value)) {
            throw new IllegalArgumentException(key + " must be a plain file name in the model folder (no '/', '\\', ':',"
                    + " '.', '..' or control characters), got '" + printable(value) + "'");
        }
        return value;
    }

    private static boolean plainCharacters(String value) {
        return value.codePoints().noneMatch(c -> c == '/' || c == '\\' || c == ':' || Character.isISOControl(c));
    }

    /** The value with control characters escaped, so that the error stays one readable line. */
    private static String printable(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        value.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }
}
