package io.hyperai.execution.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import io.hyperai.common.problem.ProblemException;
import io.hyperai.common.security.CurrentUser;
import io.hyperai.execution.Execution;
import io.hyperai.execution.service.ExecutionService;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

/** For gear-service: an ended execution's saved working directory, to bind as an input or home. */
@Path("/internal/executions")
@RolesAllowed(CurrentUser.ROLE_SERVICE)
public class InternalExecutionResource {

    public record Output(String executionId, String ownerId, String gearId, String state, String workdirPath,
            Long bytes) {
    }

    @GET
    @Path("{id}/output")
    @WithSession
    @Operation(summary = "An ended execution's saved working directory")
    public Uni<Output> output(@Parameter(description = "The execution's id") @PathParam("id") String id) {
        return Execution.<Execution>findById(ExecutionService.parse(id)).map(e -> {
            if (e == null || !e.state.isTerminal() || e.startedAt == null) {
                throw ProblemException.notFound("execution output", id);
            }
            return new Output(e.id.toString(), e.ownerId, e.gearId, e.state.name(), e.id.toString(), e.workdirBytes);
        });
    }
}
