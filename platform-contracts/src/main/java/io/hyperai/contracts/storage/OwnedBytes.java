package io.hyperai.contracts.storage;

import java.time.Instant;
import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What the owners of stored bytes (warehouse-service: dataset and model versions; execution-service: code bundles and
 * saved working directories) tell storage-service when it recounts a user's usage from them. {@code objectId} is the
 * id the owner's events carry ({@code <itemId>/v<n>} for a version, the code id, the execution id).
 */
public interface OwnedBytes {

    record ObjectsRequest(@NotNull @Size(max = 500) List<@NotBlank @Size(max = 200) String> ownerIds) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record StoredObjects(List<StoredObject> objects) {
    }

    /** {@code kind} is DATASET, MODEL, CODE or WORKING_DIRECTORY; {@code since} is when its bytes began to count. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record StoredObject(String kind, String objectId, String ownerId, long bytes, Instant since) {
    }
}
