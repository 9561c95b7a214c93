package io.hyperai.execution.rest;

import java.net.URI;

import jakarta.validation.Valid;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.hyperai.common.paging.Page;
import io.hyperai.common.paging.PageRequest;
import io.hyperai.common.problem.ProblemException;
import io.hyperai.common.security.CurrentUser;
import io.hyperai.execution.Execution;
import io.hyperai.execution.ExecutionState;
import io.hyperai.execution.Reasons;
import io.hyperai.execution.config.ExecutionConfig;
import io.hyperai.execution.mapping.ContinueRequest;
import io.hyperai.execution.mapping.ExecutionView;
import io.hyperai.execution.mapping.StartRequest;
import io.hyperai.execution.runtime.ExecutionRuntime;
import io.hyperai.execution.service.ExecutionService;
import io.hyperai.execution.service.LogService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import org.jboss.resteasy.reactive.RestStreamElementType;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

@Path("/api/v1")
@Authenticated
public class ExecutionResource {

    private final ExecutionService executions;
    private final ExecutionRuntime runtime;
    private final CurrentUser user;
    private final ExecutionConfig config;
    private final LogService logs;

    public ExecutionResource(ExecutionService executions, ExecutionRuntime runtime, CurrentUser user,
            ExecutionConfig config, LogService logs) {
        this.logs = logs;
        this.executions = executions;
        this.runtime = runtime;
        this.user = user;
        this.config = config;
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @POST
    @Path("gears/{gearId}/executions")
    public Uni<Response> start(@PathParam("gearId") String gearId, @Valid StartRequest request) {
        if (request == null) {
            throw ProblemException.invalid("mode", "must not be null");
        }
        return executions.start(user.id(), gearId, request).chain(this::created);
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @POST
    @Path("executions/{id}/continue")
    public Uni<Response> continueFrom(@PathParam("id") String id, @Valid ContinueRequest overrides) {
        return executions.continueFrom(user.id(), id, overrides).chain(this::created);
    }

    @POST
    @Path("executions/{id}/stop")
    public Uni<ExecutionView> stop(@PathParam("id") String id) {
        return executions.stop(user.id(), id, Reasons.USER_STOPPED).chain(this::view);
    }

    @GET
    @Path("executions")
    public Uni<Page<ExecutionView>> list(@QueryParam("gearId") String gearId, @QueryParam("state") String state,
            @Valid @BeanParam PageRequest page) {
        return executions.list(user.id(), gearId, state(state), page)
                .map(p -> p.map(e -> ExecutionView.of(e, null, runtime.workspaceBase(e.id.toString()))));
    }

    @GET
    @Path("executions/{id}")
    public Uni<ExecutionView> get(@PathParam("id") String id) {
        return executions.find(user.id(), id).chain(this::view);
    }

    /**
     * The output so far, streamed in bounded chunks as written (not necessarily UTF-8), from byte {@code offset}.
     * An ended execution keeps only its output's tail; a line marks where earlier bytes were not kept.
     */
    @GET
    @Path("executions/{id}/logs")
    @Produces(MediaType.TEXT_PLAIN)
    @OwnedExecution
    public Multi<byte[]> logs(@PathParam("id") String id, @QueryParam("offset") @jakarta.validation.constraints.PositiveOrZero Long offset) {
        long from = offset == null ? 0 : offset;
        long[] expected = { from };
        return logs.from(UUID.fromString(id), from).map(c -> {
            byte[] bytes = c.offset() > expected[0] ? withGap(c.offset() - expected[0], c.bytes()) : c.bytes();
            expected[0] = c.next();
            return bytes;
        });
    }

    private static byte[] withGap(long skipped, byte[] bytes) {
        byte[] mark = ("[hyperai: " + skipped + " earlier bytes of output were not kept]\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(mark, mark.length + bytes.length);
        System.arraycopy(bytes, 0, out, mark.length, bytes.length);
        return out;
    }

    /**
     * With {@code Accept: text/event-stream} (and {@code ?follow=true} for readability): the output as
     * server-sent events, one per new chunk, until the execution has ended and its last output was
     * sent. Ownership is checked before anything is sent, so another user's id is a 404 problem. Bytes that are not
     * UTF-8 arrive as U+FFFD; a character split between two reads is sent whole with the second.
     */
    @GET
    @Path("executions/{id}/logs")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    @OwnedExecution
    public Multi<String> follow(@PathParam("id") String id,
            @QueryParam("offset") @jakarta.validation.constraints.PositiveOrZero Long offset) {
        return followed(user.id(), id, offset == null ? 0 : offset);
    }

    private Multi<String> followed(String owner, String id, long offset) {
        AtomicLong sent = new AtomicLong(offset);
        AtomicBoolean ended = new AtomicBoolean();
        return Multi.createFrom().ticks().every(Duration.ofSeconds(1)).onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> executions.find(owner, id).chain(e -> {
                    // the state is read before the output, so the output read after an end is the whole of it
                    boolean terminal = e.state.isTerminal();
                    return logs.chunk(e.id, sent.get()).map(c -> {
                        int complete = terminal && c.bytes().length < LogService.CHUNK ? c.bytes().length
                                : Utf8.completeLength(c.bytes());
                        sent.set(c.offset() + complete);
                        ended.set(terminal && c.bytes().length < LogService.CHUNK);
                        return new String(c.bytes(), 0, complete, StandardCharsets.UTF_8);
                    });
                }))
                .select().first(chunk -> !ended.get() || !chunk.isEmpty())
                .select().where(chunk -> !chunk.isEmpty());
    }

    private Uni<Response> created(Execution e) {
        return view(e).map(v -> Response.created(URI.create("/api/v1/executions/" + e.id)).entity(v).build());
    }

    private Uni<ExecutionView> view(Execution e) {
        return executions.history(e.id).map(h -> ExecutionView.of(e, h, runtime.workspaceBase(e.id.toString())));
    }

    private static ExecutionState state(String state) {
        if (state == null) {
            return null;
        }
        try {
            return ExecutionState.valueOf(state.toUpperCase());
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("state", "must be one of QUEUED, STARTING, RUNNING, SUCCEEDED, FAILED, STOPPED");
        }
    }
}
