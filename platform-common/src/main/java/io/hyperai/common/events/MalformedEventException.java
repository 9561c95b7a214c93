package io.hyperai.common.events;

/** A record that cannot be an event of ours; it goes to the dead-letter topic with this message. */
public class MalformedEventException extends RuntimeException {
    public MalformedEventException(String message) {
        super(message);
    }
}
