package io.hyperai.contracts.execution;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.smallrye.mutiny.Uni;

/** execution-service for gear-service. */
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

    /** {@code workdirPath} is below the workdirs root; {@code bytes} is null until the directory was measured. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Output(String executionId, String ownerId, String gearId, String state, String workdirPath, Long bytes) {
    }
}
