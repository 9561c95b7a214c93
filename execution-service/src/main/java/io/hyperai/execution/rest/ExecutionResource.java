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

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

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
import io.hyperai.execution.service.QueueService;
import io.hyperai.execution.service.LogService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import org.jboss.resteasy.reactive.RestStreamElementType;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

/** The caller's executions: start, continue, stop, list, read and follow their output. */
@Path("/api/v1")
@Authenticated
@Tag(name = "Executions", description = "One run of a gear: a script that ends by itself, or a Jupyter workspace"
        + " that runs until stopped. Running time is charged to the caller's balance. Only the caller's own.")
public class ExecutionResource {

    private static final String EXECUTION_ID = "The execution's id";
    private static final String OFFSET = "The byte of the output to start from (0, the default, is the beginning)";
    private static final String LOGS = "Read an execution's output";
    /** Failed polls in a row after which a follow ends (cleanly) rather than wait for the cluster on and on. */
    static final int FOLLOW_FAILURES = 10;
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ExecutionResource.class);
    private static final String LOGS_DETAIL = "As `text/plain`: the output so far, from byte `offset`. With"
            + " `Accept: text/event-stream`: the output as server-sent events until the execution has ended."
            + " An ended execution keeps only its output's tail; a line marks where earlier bytes were dropped.";
    private static final String STARTED = "The new execution (its URL is in `Location`)";
    private static final String BALANCE = "The caller's balance is exhausted (`balance-exhausted`): top up first.";
    private static final String BLOCKED = "The caller's storage is over quota (`storage-blocked`).";
    private static final String CAPPED = "The caller's monthly spending cap is reached (`spending-cap-reached`).";

    private final ExecutionService executions;
    private final ExecutionRuntime runtime;
    private final CurrentUser user;
    private final ExecutionConfig config;
    private final LogService logs;
    private final QueueService queue;

    public ExecutionResource(ExecutionService executions, ExecutionRuntime runtime, CurrentUser user,
            ExecutionConfig config, LogService logs, QueueService queue) {
        this.logs = logs;
        this.queue = queue;
        this.executions = executions;
        this.runtime = runtime;
        this.user = user;
        this.config = config;
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @POST
    @Path("gears/{gearId}/executions")
    @Operation(summary = "Start an execution of a gear", description = "A script runs `entryCommand` in the uploaded"
            + " code `codeId`; a Jupyter workspace serves at the execution's `workspaceUrl` until stopped. The"
            + " caller's balance and storage quota are checked first.")
    @APIResponse(responseCode = "201", description = STARTED, content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ExecutionView.class)))
    @APIResponse(responseCode = "402", description = BALANCE)
    @APIResponse(responseCode = "403", description = BLOCKED)
    @APIResponse(responseCode = "409", description = CAPPED)
    public Uni<Response> start(@Parameter(description = "The gear to run") @PathParam("gearId") String gearId,
            @RequestBody(content = @Content(examples = {
                    @ExampleObject(name = "script", value = """
                            {"mode": "script", "entryCommand": "python train.py --epochs 3",
                             "codeId": "3b241101-e2bb-4255-8caf-4136c566a962", "maxRuntimeSeconds": 7200,
                             "maxCostMinor": 20000}"""),
                    @ExampleObject(name = "jupyter", value = "{\"mode\": \"jupyter\"}") }))
            @Valid StartRequest request) {
        if (request == null) {
            throw ProblemException.invalid("mode", "must not be null");
        }
        return executions.start(user.id(), gearId, request).chain(this::created);
    }

    @Consumes(MediaType.APPLICATION_JSON)
    @POST
    @Path("executions/{id}/continue")
    @Operation(summary = "Continue from an ended execution", description = "A new execution of the same gear whose"
            + " working directory starts as the ended one's saved one; the same mode and command unless given.")
    @APIResponse(responseCode = "201", description = STARTED, content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ExecutionView.class)))
    @APIResponse(responseCode = "402", description = BALANCE)
    @APIResponse(responseCode = "403", description = BLOCKED)
    @APIResponse(responseCode = "409", description = "The execution has not ended (`execution-running`), or the"
            + " caller's monthly spending cap is reached (`spending-cap-reached`).")
    public Uni<Response> continueFrom(@Parameter(description = "The ended execution to continue from")
            @PathParam("id") String id,
            @RequestBody(content = @Content(examples = @ExampleObject(name = "resume",
                    value = "{\"entryCommand\": \"python train.py --resume\"}")))
            @Valid ContinueRequest overrides) {
        return executions.continueFrom(user.id(), id, overrides).chain(this::created);
    }

    @POST
    @Path("executions/{id}/stop")
    @Operation(summary = "Stop an execution", description = "Its charges end now. Its working directory is saved,"
            + " so a new execution can continue from it.")
    @APIResponse(responseCode = "200", description = "The stopped execution", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ExecutionView.class)))
    @APIResponse(responseCode = "409", description = "The execution has already ended (`execution-ended`).")
    public Uni<ExecutionView> stop(@Parameter(description = EXECUTION_ID) @PathParam("id") String id) {
        return executions.stop(user.id(), id, Reasons.USER_STOPPED).chain(this::view);
    }

    @GET
    @Path("executions")
    @Operation(summary = "List the caller's executions", description = "Newest first.")
    public Uni<Page<ExecutionView>> list(
            @Parameter(description = "Only executions of this gear") @QueryParam("gearId") String gearId,
            @Parameter(description = "Only executions in this state: QUEUED, STARTING, RUNNING, SUCCEEDED, FAILED"
                    + " or STOPPED (any case)") @QueryParam("state") String state,
            @Valid @BeanParam PageRequest page) {
        return executions.list(user.id(), gearId, state(state), page)
                .chain(p -> queue.places(p.items()).map(places -> p.map(e -> ExecutionView.of(e, null,
                        runtime.workspaceBase(e.id.toString()), places.get(e.id.toString())))));
    }

    @GET
    @Path("executions/{id}")
    @Operation(summary = "Get an execution", description = "With the history of its states.")
    public Uni<ExecutionView> get(@Parameter(description = EXECUTION_ID) @PathParam("id") String id) {
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
    @Operation(summary = LOGS, description = LOGS_DETAIL)
    public Multi<byte[]> logs(@Parameter(description = EXECUTION_ID) @PathParam("id") String id,
            @Parameter(description = OFFSET) @QueryParam("offset") @jakarta.validation.constraints.PositiveOrZero Long offset) {
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
     * UTF-8 arrive as U+FFFD; a character split between two reads is sent whole with the second. A read the cluster
     * fails is tried again at the next poll from the same byte, so nothing is sent twice; after
     * {@value #FOLLOW_FAILURES} failed polls in a row the stream ends cleanly, and reopening it (from {@code offset})
     * goes on where it stopped.
     */
    @GET
    @Path("executions/{id}/logs")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    @OwnedExecution
    @Operation(summary = LOGS, description = LOGS_DETAIL)
    public Multi<String> follow(@Parameter(description = EXECUTION_ID) @PathParam("id") String id,
            @Parameter(description = OFFSET) @QueryParam("offset") @jakarta.validation.constraints.PositiveOrZero Long offset) {
        return followed(user.id(), id, offset == null ? 0 : offset);
    }

    private Multi<String> followed(String owner, String id, long offset) {
        AtomicLong sent = new AtomicLong(offset);
        AtomicBoolean ended = new AtomicBoolean();
        AtomicInteger failures = new AtomicInteger();
        return Multi.createFrom().ticks().every(Duration.ofSeconds(1)).onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> executions.find(owner, id).chain(e -> {
                    // the state is read before the output, so the output read after an end is the whole of it
                    boolean terminal = e.state.isTerminal();
                    return logs.chunk(e.id, sent.get()).map(c -> {
                        int complete = terminal && c.bytes().length < LogService.CHUNK ? c.bytes().length
                                : Utf8.completeLength(c.bytes());
                        sent.set(c.offset() + complete);
                        ended.set(terminal && c.bytes().length < LogService.CHUNK);
                        failures.set(0);
                        return new String(c.bytes(), 0, complete, StandardCharsets.UTF_8);
                    }).onFailure().recoverWithItem(failure -> {
                        // an error now would cut the event stream mid-chunk: the next poll reads from the same byte
                        if (failures.incrementAndGet() >= FOLLOW_FAILURES) {
                            LOG.warnf("execution %s: its output could not be read %d times in a row; the follow ends"
                                    + " at byte %d", e.id, FOLLOW_FAILURES, sent.get());
                            ended.set(true);
                        }
                        return "";
                    });
                }))
                .select().first(chunk -> !ended.get() || !chunk.isEmpty())
                .select().where(chunk -> !chunk.isEmpty());
    }

    private Uni<Response> created(Execution e) {
        return view(e).map(v -> Response.created(URI.create("/api/v1/executions/" + e.id)).entity(v).build());
    }

    private Uni<ExecutionView> view(Execution e) {
        return executions.history(e.id).chain(h -> queue.place(e)
                .map(place -> ExecutionView.of(e, h, runtime.workspaceBase(e.id.toString()), place.orElse(null))));
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
