package io.hyperai.common.it;

import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import io.hyperai.common.events.EventType;
import io.hyperai.common.events.payload.GearChanged;
import io.hyperai.common.outbox.Outbox;
import io.hyperai.common.problem.ProblemException;
import io.hyperai.common.security.CurrentUser;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/** A test-only API that changes state and records an event for it in the same transaction. */
@Path("/api/v1/widgets")
@Authenticated
public class WidgetResource {

    public record WidgetRequest(@NotBlank @Size(max = 50) String name, List<@NotBlank String> tags) {
    }

    private final Outbox outbox;
    private final CurrentUser user;

    public WidgetResource(Outbox outbox, CurrentUser user) {
        this.outbox = outbox;
        this.user = user;
    }

    @POST
    @WithTransaction
    public Uni<Response> create(@Valid WidgetRequest request) {
        Widget widget = new Widget();
        widget.id = UUID.randomUUID().toString();
        widget.owner = user.id();
        widget.name = request.name();
        return widget.<Widget>persist()
                .chain(w -> outbox.append(EventType.GEAR_CREATED, w.id, payload(w)))
                .replaceWith(() -> Response.status(201).entity(widget).build());
    }

    @PUT
    @Path("{id}")
    @WithTransaction
    public Uni<Widget> rename(@PathParam("id") String id, @Valid WidgetRequest request) {
        return Widget.<Widget>findById(id)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("widget", id))
                .invoke(w -> w.name = request.name())
                .call(w -> outbox.append(EventType.GEAR_UPDATED, w.id, payload(w)));
    }

    /** Fails after appending its event: neither the row nor the event may survive. */
    @POST
    @Path("failing")
    @WithTransaction
    public Uni<Widget> createThenFail(@Valid WidgetRequest request) {
        Widget widget = new Widget();
        widget.id = "failing-" + request.name();
        widget.owner = user.id();
        widget.name = request.name();
        return widget.<Widget>persist()
                .call(w -> outbox.append(EventType.GEAR_CREATED, w.id, payload(w)))
                .chain(w -> Uni.createFrom().failure(new IllegalStateException("boom in " + getClass().getName())));
    }

    @GET
    @Path("{id}")
    @WithTransaction
    public Uni<Widget> get(@PathParam("id") String id) {
        return Widget.<Widget>findById(id)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("widget", id));
    }

    /** What a boolean query parameter was read as. */
    @GET
    @Path("flag")
    public String flag(@QueryParam("on") @DefaultValue("false") boolean on) {
        return String.valueOf(on);
    }

    /** How many files a multipart upload carried. */
    @POST
    @Path("files")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public String files(@RestForm("files") List<FileUpload> files) {
        return String.valueOf(files == null ? 0 : files.size());
    }

    @GET
    @Path("admin-only")
    @RolesAllowed("admin")
    public String adminOnly() {
        return "ok";
    }

    private static GearChanged payload(Widget w) {
        return new GearChanged(w.id, w.owner, w.name, "cpu-small", "pytorch", List.of());
    }
}
