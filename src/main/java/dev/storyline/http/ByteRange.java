package dev.storyline.http;

/** One HTTP byte range (RFC 9110 §14.1.2) of a file of a known size. */
final class ByteRange {
    private ByteRange() {
    }

    /**
     * {@code {first, last}} (inclusive) for a single satisfiable range; an empty array when it cannot be
     * satisfied (416); null when the whole file is answered (no header, several ranges, another unit,
     * or a header that does not parse, which RFC 9110 says to ignore).
     */
    static long[] parse(String header, long size) {
        if (header == null || !header.startsWith("bytes=") || header.contains(",")) {
            return null;
        }
        String spec = header.substring(6).strip();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        try {
            String from = spec.substring(0, dash).strip();
            String to = spec.substring(dash + 1).strip();
            if (from.isEmpty()) { // the last n bytes
                long n = Long.parseLong(to);
                if (n <= 0 || size == 0) {
                    return new long[0];
                }
                return new long[] {Math.max(0, size - n), size - 1};
            }
            long first = Long.parseLong(from);
            long last = to.isEmpty() ? size - 1 : Math.min(Long.parseLong(to), size - 1);
            if (first < 0 || first >= size) {
                return new long[0];
            }
            return last < first ? null : new long[] {first, last};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
