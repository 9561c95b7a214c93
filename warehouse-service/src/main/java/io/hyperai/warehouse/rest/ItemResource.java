package io.hyperai.warehouse.rest;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.PathPart;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import io.hyperai.common.files.UploadedPart;
import io.hyperai.common.paging.Page;
import io.hyperai.common.paging.PageRequest;
import io.hyperai.warehouse.WarehouseItem;
import io.hyperai.warehouse.mapping.ItemPatch;
import io.hyperai.warehouse.mapping.ItemRequest;
import io.hyperai.warehouse.mapping.PromoteRequest;
import io.hyperai.warehouse.mapping.ItemView;
import io.hyperai.warehouse.mapping.VersionViews.VersionDetail;
import io.hyperai.warehouse.mapping.VersionViews.VersionView;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * The JAX-RS face of {@link ItemEndpoints} for one kind of item: {@link DatasetResource} and {@link ModelResource}
 * only give the path and the kind, so the two APIs cannot drift apart. {@code @Authenticated} is repeated on the
 * subclasses: a class-level security annotation covers the methods its class declares.
 */
@Authenticated
public abstract class ItemResource {

    private static final String ITEM_ID = "The dataset's or model's id";
    private static final String VERSION = "The version's number (1 is the first upload)";

    private final ItemEndpoints endpoints;

    protected ItemResource(ItemEndpoints endpoints) {
        this.endpoints = endpoints;
    }

    // one operation in the API reference for both bodies (an upload, or a promotion in JSON): the same texts on both
    private static final String NEXT_VERSION = "Upload or promote the next version";
    private static final String NEXT_VERSION_DESCRIPTION = UploadedPart.CONVENTION + " Or, as `application/json`,"
            + " `{\"fromExecutionOutput\": \"<execution id>\", \"path\": \"optional/dir\"}`: the files of an ended"
            + " execution's saved working directory (or of one directory in it) move into the version, leaving the"
            + " output once the version exists, so they count once toward the quota. A version never changes once made.";
    private static final String NEXT_VERSION_404 = "No such item of the caller's, or no such saved output of theirs.";
    private static final String NEXT_VERSION_409 = "The upload does not fit the caller's quota (`quota-exceeded`), or the"
            + " output to promote is still being saved or used by a queued or running execution (`output-in-use`).";

    /** Which items this resource serves. */
    protected abstract WarehouseItem.Kind kind();

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a dataset or model", description = "Empty until its first version is uploaded.")
    @APIResponse(responseCode = "201", description = "The new item (its URL is in `Location`)", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ItemView.class)))
    public Uni<RestResponse<ItemView>> create(@RequestBody(content = @Content(examples = @ExampleObject(
            name = "imagenet-subset", value = """
                    {"name": "imagenet-subset", "description": "10 ImageNet classes as 224x224 JPEGs"}""")))
            @Valid @NotNull ItemRequest request) {
        return endpoints.create(kind(), request);
    }

    @GET
    @Operation(summary = "List the caller's datasets or models", description = "Newest first.")
    public Uni<Page<ItemView>> list(@Valid @BeanParam PageRequest page) {
        return endpoints.list(kind(), page);
    }

    @GET
    @Path("{id}")
    @Operation(summary = "Get a dataset or model", description = "The caller's own, or anyone's public one.")
    public Uni<ItemView> get(@Parameter(description = ITEM_ID) @PathParam("id") String id) {
        return endpoints.get(kind(), id);
    }

    @PATCH
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change a dataset's or model's description, tags or visibility", description = "Absent"
            + " fields stay as they are. A public item can be listed, read and bound by anyone, by its id or its"
            + " handle `<owner name>/<name>`, and counts against its owner's storage only. Made private again, it"
            + " can no longer be bound and gears binding it can no longer start; running executions keep it.")
    @APIResponse(responseCode = "200", description = "The item as it is now", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ItemView.class)))
    @APIResponse(responseCode = "409", description = "Another public item already has this handle (`handle-taken`).")
    public Uni<ItemView> change(@Parameter(description = ITEM_ID) @PathParam("id") String id,
            @RequestBody(content = @Content(examples = @ExampleObject(name = "publish", value = """
                    {"visibility": "public", "tags": ["vision", "classification"]}""")))
            @Valid @NotNull ItemPatch patch) {
        return endpoints.change(kind(), id, patch);
    }

    /** Deletes it with all its versions and their files. */
    @DELETE
    @Path("{id}")
    @Operation(summary = "Delete a dataset or model", description = "With all its versions and their files.")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Uni<RestResponse<Void>> delete(@Parameter(description = ITEM_ID) @PathParam("id") String id) {
        return endpoints.delete(kind(), id);
    }

    /**
     * The next immutable version: files (each part's file name is its path in the version), or one
     * .tar, .tar.gz/.tgz or .zip archive that is unpacked unless unpack=false.
     */
    @POST
    @Path("{id}/versions")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = NEXT_VERSION, description = NEXT_VERSION_DESCRIPTION)
    @APIResponse(responseCode = "201", description = "The new version (its URL is in `Location`)", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = VersionDetail.class)))
    @APIResponse(responseCode = "404", description = NEXT_VERSION_404)
    @APIResponse(responseCode = "409", description = NEXT_VERSION_409)
    // the body the form parameter List<FileUpload> used to describe: the API reference stays the same document
    @RequestBody(required = true, content = @Content(mediaType = MediaType.MULTIPART_FORM_DATA, schema = @Schema(
            type = SchemaType.OBJECT, properties = @SchemaProperty(name = FileUpload.ALL, type = SchemaType.ARRAY,
                    implementation = FileUpload.class))))
    public Uni<RestResponse<VersionDetail>> upload(@Parameter(description = ITEM_ID) @PathParam("id") String id,
            @Parameter(description = "Whether one archive is unpacked (default) or kept as a file")
            @QueryParam("unpack") @DefaultValue("true") boolean unpack, @Context RoutingContext request) {
        // the body is read by the upload itself, as it arrives, not by Quarkus REST into the uploads directory
        return endpoints.upload(kind(), id, request, unpack);
    }

    @POST
    @Path("{id}/versions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = NEXT_VERSION, description = NEXT_VERSION_DESCRIPTION)
    @APIResponse(responseCode = "201", description = "The new version (its URL is in `Location`)", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = VersionDetail.class)))
    @APIResponse(responseCode = "404", description = NEXT_VERSION_404)
    @APIResponse(responseCode = "409", description = NEXT_VERSION_409)
    public Uni<RestResponse<VersionDetail>> promote(@Parameter(description = ITEM_ID) @PathParam("id") String id,
            @RequestBody(content = @Content(examples = @ExampleObject(name = "checkpoint", value = """
                    {"fromExecutionOutput": "0b9a3c55-2f1d-4c43-9a57-2c1b1f0e7a10", "path": "checkpoints/final"}""")))
            @Valid @NotNull PromoteRequest request) {
        return endpoints.promote(kind(), id, request);
    }

    @GET
    @Path("{id}/versions")
    @Operation(summary = "List the versions of a dataset or model")
    public Uni<Page<VersionView>> versions(@Parameter(description = ITEM_ID) @PathParam("id") String id,
            @Valid @BeanParam PageRequest page) {
        return endpoints.versions(kind(), id, page);
    }

    @GET
    @Path("{id}/versions/{n}")
    @Operation(summary = "Get a version", description = "With its files, their sizes and SHA-256 digests.")
    public Uni<VersionDetail> version(@Parameter(description = ITEM_ID) @PathParam("id") String id,
            @Parameter(description = VERSION) @PathParam("n") String n) {
        return endpoints.version(kind(), id, n);
    }

    @DELETE
    @Path("{id}/versions/{n}")
    @Operation(summary = "Delete a version", description = "With its files; the other versions keep their numbers.")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Uni<RestResponse<Void>> deleteVersion(@Parameter(description = ITEM_ID) @PathParam("id") String id,
            @Parameter(description = VERSION) @PathParam("n") String n) {
        return endpoints.deleteVersion(kind(), id, n);
    }

    /** Streams one file of a version. */
    @GET
    @Path("{id}/versions/{n}/files/{path: .+}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    @Operation(summary = "Download a file of a version", description = "Its bytes as stored; `ETag` is its SHA-256.")
    public Uni<RestResponse<PathPart>> download(@Parameter(description = ITEM_ID) @PathParam("id") String id,
            @Parameter(description = VERSION) @PathParam("n") String n,
            @Parameter(description = "The file's path in the version") @PathParam("path") String path) {
        return endpoints.download(kind(), id, n, path);
    }
}
