package io.hyperai.execution.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.hyperai.common.security.CurrentUser;
import io.hyperai.execution.mapping.QueueView;
import io.hyperai.execution.service.QueueService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

@Path("/api/v1/queue")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Queue", description = "Executions wait for their pool (a GPU model, or CPU) until it has room, in an"
        + " order fair between users.")
public class QueueResource {

    private final QueueService queue;
    private final CurrentUser user;

    public QueueResource(QueueService queue, CurrentUser user) {
        this.queue = queue;
        this.user = user;
    }

    @GET
    @Operation(summary = "The queue of each pool", description = "Per pool: its capacity, what is in use, how many"
            + " executions run and wait; and the caller's own waiting executions with their position (1 is next)"
            + " and estimated start. Other users' executions are counted, never shown.")
    public Uni<QueueView> get() {
        return queue.view(user.id());
    }
}
