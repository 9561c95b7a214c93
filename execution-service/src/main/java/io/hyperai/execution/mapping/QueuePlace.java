package io.hyperai.execution.mapping;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A waiting execution's place in its pool's queue: {@code position} 1 is next; {@code estimatedStartAt} from what
 * runs and waits ahead of it (absent when it could not run even on an empty pool).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QueuePlace(String pool, int position, Instant estimatedStartAt) {
}
