package io.hyperai.contracts.execution;

import java.time.Instant;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.hyperai.contracts.storage.OwnedBytes.ObjectsRequest;
import io.hyperai.contracts.storage.OwnedBytes.StoredObjects;
import io.smallrye.mutiny.Uni;

/** execution-service for gear-service (saved working directories) and billing-service (which runs have ended). */
@Path("/internal/executions")
@Produces(MediaType.APPLICATION_JSON)
public interface ExecutionApi {

    /**
     * An ended execution's saved working directory, to bind as an input or home; 404 when the execution does not
     * exist, has not ended or never ran.
     */
    @GET
    @Path("{id}/output")
    @Operation(summary = "An ended execution's saved working directory")
    Uni<Output> output(@Parameter(description = "The execution's id") @PathParam("id") String id);

    /**
     * For warehouse-service promoting a saved working directory (or the directory {@code path} in it) to a dataset or
     * model version: its regular files as a tar.gz. 404 unless the execution is {@code owner}'s, ended, saved and not
     * deleted, and {@code path} is a directory in it; 409 {@code output-in-use} while an execution uses it (what is
     * promoted moves out of it).
     */
    @GET
    @Path("{id}/output/archive")
    @Produces("application/gzip")
    @Operation(summary = "A saved working directory, or one directory in it, as a tar.gz to promote")
    java.io.InputStream outputArchive(@Parameter(description = "The execution's id") @PathParam("id") String id,
            @Parameter(description = "The user who promotes it") @jakarta.ws.rs.QueryParam("owner") String owner,
            @Parameter(description = "A directory in it; all of it when absent") @jakarta.ws.rs.QueryParam("path")
            String path);

    /**
     * Which of these executions have ended, with the times and reason their end event carries: billing asks on every
     * pass about the runs it still believes open, so a lost end event costs at most one pass. Ids this service does
     * not know are listed as {@code unknown}.
     */
    @POST
    @Path("ended")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Which of these executions have ended, and when")
    Uni<EndedExecutions> ended(@Valid @NotNull EndedRequest query);

    /**
     * Every code bundle and measured, undeleted saved working directory these users own, with its bytes:
     * storage-service recounts their usage from it.
     */
    @POST
    @Path("stored")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Every code bundle and saved working directory these users own, with its size")
    Uni<StoredObjects> stored(@Valid @NotNull ObjectsRequest query);

    record EndedRequest(@NotNull @Size(max = 1000) List<@NotBlank @Size(max = 100) String> executionIds) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record EndedExecutions(List<Ended> ended, List<String> unknown) {
    }

    /** {@code startedAt} is null when it ended before it ever ran. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Ended(String executionId, String gearId, String ownerId, String state, Instant startedAt, Instant endedAt,
            Integer exitCode, String reason) {
    }

    /** {@code workdirPath} is below the workdirs root; {@code bytes} is null until the directory was measured. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Output(String executionId, String ownerId, String gearId, String state, String workdirPath, Long bytes) {
    }
}
