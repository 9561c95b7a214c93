package io.hyperai.execution.rest;

import java.net.URI;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import io.hyperai.common.files.UploadedPart;
import io.hyperai.common.rest.StreamedBodies;
import io.hyperai.common.security.CurrentUser;
import io.hyperai.execution.mapping.CodeView;
import io.hyperai.execution.service.CodeService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/** Code for script executions: files (each part's file name is its path) or one archive to unpack. */
@Path("/api/v1/code")
@Authenticated
@Tag(name = "Code", description = "Code for script executions, uploaded once and named by `codeId` when starting"
        + " one. It counts against the caller's storage quota. Only the caller's own.")
public class CodeResource {

    private static final String CODE_ID = "The uploaded code's id";

    private final CodeService code;
    private final CurrentUser user;
    private final StreamedBodies bodies;

    public CodeResource(CodeService code, CurrentUser user, StreamedBodies bodies) {
        this.code = code;
        this.user = user;
        this.bodies = bodies;
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Upload code", description = UploadedPart.CONVENTION)
    @APIResponse(responseCode = "201", description = "The uploaded code (its URL is in `Location`)", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CodeView.class)))
    @APIResponse(responseCode = "403", description = "The caller's storage is over quota (`storage-blocked`).")
    @APIResponse(responseCode = "409", description = "The upload does not fit the caller's quota (`quota-exceeded`).")
    // the body the form parameter List<FileUpload> used to describe: the API reference stays the same document
    @RequestBody(required = true, content = @Content(mediaType = MediaType.MULTIPART_FORM_DATA, schema = @Schema(
            type = SchemaType.OBJECT, properties = @SchemaProperty(name = FileUpload.ALL, type = SchemaType.ARRAY,
                    implementation = FileUpload.class))))
    public Uni<Response> upload(
            @Parameter(description = "Whether one archive is unpacked (default) or kept as a file")
            @QueryParam("unpack") @DefaultValue("true") boolean unpack, @Context RoutingContext request) {
        // the body is read by the upload itself, as it arrives (as warehouse uploads are), not by Quarkus REST into
        // the uploads directory first
        return code.upload(user.id(), bodies.of(request), unpack)
                .map(c -> Response.created(URI.create("/api/v1/code/" + c.id)).entity(CodeView.of(c)).build());
    }

    @GET
    @Path("{id}")
    @Operation(summary = "Get uploaded code", description = "Its files with their sizes and digests.")
    public Uni<CodeView> get(@Parameter(description = CODE_ID) @PathParam("id") String id) {
        return code.find(user.id(), id).map(CodeView::of);
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Delete uploaded code")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Uni<Response> delete(@Parameter(description = CODE_ID) @PathParam("id") String id) {
        return code.delete(user.id(), id).map(v -> Response.noContent().build());
    }
}
