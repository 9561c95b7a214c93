package io.hyperai.execution.rest;

/** Where a chunk of UTF-8 bytes may be cut without splitting a character. */
final class Utf8 {

    private Utf8() {
    }

    /**
     * The length of {@code bytes} without a trailing, incomplete multi-byte sequence (at most three bytes held back;
     * bytes that are not UTF-8 at all are not held back).
     */
    static int completeLength(byte[] bytes) {
        int n = bytes.length;
        for (int back = 1; back <= Math.min(3, n); back++) {
            int b = bytes[n - back] & 0xff;
            if ((b & 0xc0) == 0x80) {
                continue; // a continuation byte: look further back for its lead
            }
            int needed = b >= 0xf8 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
            return needed > back ? n - back : n;
        }
        return n;
    }
}
