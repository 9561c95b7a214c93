package io.hyperai.contracts.gear;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.smallrye.mutiny.Uni;

/** gear-service for the execution service (a gear, to run it) and billing (the catalogue, to price it). */
@Path("/internal")
@Produces(MediaType.APPLICATION_JSON)
public interface GearApi {

    /** Any user's gear with its spec, image and where each binding's bytes are; 404 for an unknown id. */
    @GET
    @Path("gears/{id}")
    @Operation(summary = "Any user's gear as an execution runs it")
    Uni<GearRuntime> gear(@Parameter(description = "The gear's id") @PathParam("id") String id);

    /** The whole compute-spec catalogue, retired specs included. */
    @GET
    @Path("compute-specs")
    @Operation(summary = "All compute specs, retired ones included")
    Uni<List<Spec>> computeSpecs();

    /** {@code idlePolicy}: the gear's, for its workspaces (null: none, they run until stopped). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record GearRuntime(String id, String ownerId, String name, int revision, Spec computeSpec, Image image,
            List<Mount> bindings, Instant createdAt, Instant updatedAt, IdlePolicy idlePolicy) {
    }

    /** A workspace warned, and/or stopped, after this long without use; either may be null. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record IdlePolicy(Integer warnAfterSeconds, Integer stopAfterSeconds) {
    }

    /** {@code kind} is CPU or GPU; prices are in minor units of {@code currency}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Spec(String id, String kind, int vcpu, int memoryMib, int diskGib, int gpuCount, String gpuModel,
            long pricePerHourMinor, String currency, Map<String, String> nodeSelector, boolean retired) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Image(String id, String framework, String version, String build, String imageRef, boolean retired) {
    }

    /**
     * One binding: {@code storagePath}/{@code totalBytes} for a dataset or model version, {@code workdirPath}/
     * {@code bytes} for an execution's saved working directory. {@code brokenReason} says why the source can no
     * longer be mounted (deleted, or another user's item made private), null while it can: such a gear does not start.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Mount(String mountPath, boolean readOnly, Source source, String storagePath, Long totalBytes,
            String workdirPath, Long bytes, String brokenReason) {
    }

    /** As the user named it: {@code kind} dataset or model with {@code id}/{@code version}, or output with {@code executionId}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Source(String kind, String id, Integer version, String executionId) {
    }
}
