package io.hyperai.common.events.payload;

/**
 * The data of an event. Every payload names the user it concerns, so consumers can act per user
 * without asking the producer.
 */
public interface EventPayload {
    String ownerId();
}
