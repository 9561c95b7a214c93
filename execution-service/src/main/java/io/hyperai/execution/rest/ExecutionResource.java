package io.hyperai.execution.rest;

import jakarta.validation.Valid;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import io.hyperai.common.paging.Page;
import io.hyperai.common.paging.PageRequest;
import io.hyperai.common.security.CurrentUser;
import io.hyperai.execution.mapping.ExecutionView;
import io.hyperai.execution.service.ExecutionQueryService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

@Path("/api/v1/executions")
@Authenticated
public class ExecutionResource {

    private final ExecutionQueryService executions;
    private final CurrentUser user;

    public ExecutionResource(ExecutionQueryService executions, CurrentUser user) {
        this.executions = executions;
        this.user = user;
    }

    @GET
    public Uni<Page<ExecutionView>> list(@Valid @BeanParam PageRequest page) {
        return executions.list(user.id(), page).map(p -> p.map(ExecutionView::of));
    }
}
