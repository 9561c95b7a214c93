package io.hyperai.execution.runtime;

/**
 * Bytes of an execution's output starting at {@code offset} in the whole output. {@code offset} is past the one
 * asked for when the bytes before it were not kept (an ended execution keeps only its output's tail).
 */
public record LogChunk(long offset, byte[] bytes) {

    public long next() {
        return offset + bytes.length;
    }

    public boolean isEmpty() {
        return bytes.length == 0;
    }
}
