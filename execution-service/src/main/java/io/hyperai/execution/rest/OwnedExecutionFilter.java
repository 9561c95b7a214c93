package io.hyperai.execution.rest;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.hyperai.common.problem.ProblemException;
import io.hyperai.common.problem.ProblemMapper;
import io.hyperai.common.security.CurrentUser;
import io.hyperai.execution.service.ExecutionService;
import io.smallrye.mutiny.Uni;

/** Answers 404 (as a problem) before a stream starts when the execution is not the caller's. */
public class OwnedExecutionFilter {

    private final ExecutionService executions;
    private final CurrentUser user;
    private final ProblemMapper problems = new ProblemMapper();

    public OwnedExecutionFilter(ExecutionService executions, CurrentUser user) {
        this.executions = executions;
        this.user = user;
    }

    @OwnedExecution
    @ServerRequestFilter
    public Uni<Response> check(UriInfo uri) {
        String id = uri.getPathParameters().getFirst("id");
        return executions.find(user.id(), id).map(e -> (Response) null)
                .onFailure(ProblemException.class).recoverWithItem(e -> problems.problem((ProblemException) e, uri));
    }
}
