package io.hyperai.execution.rest;

import jakarta.annotation.security.RolesAllowed;

import io.hyperai.common.problem.ProblemException;
import io.hyperai.common.security.CurrentUser;
import io.hyperai.contracts.execution.ExecutionApi;
import io.hyperai.execution.Execution;
import io.hyperai.execution.service.ExecutionService;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

/** For gear-service: an ended execution's saved working directory, to bind as an input or home. */
@RolesAllowed(CurrentUser.ROLE_SERVICE)
public class InternalExecutionResource implements ExecutionApi {

    @Override
    @WithSession
    public Uni<Output> output(String id) {
        return Execution.<Execution>findById(ExecutionService.parse(id)).map(e -> {
            if (e == null || !e.state.isTerminal() || e.startedAt == null || e.workdirDeletedAt != null) {
                throw ProblemException.notFound("execution output", id);
            }
            return new Output(e.id.toString(), e.ownerId, e.gearId, e.state.name(), e.id.toString(), e.workdirBytes);
        });
    }
}
