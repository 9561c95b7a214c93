package io.hyperai.warehouse.rest;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.PathPart;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import io.hyperai.common.paging.Page;
import io.hyperai.common.paging.PageRequest;
import io.hyperai.warehouse.WarehouseItem;
import io.hyperai.warehouse.mapping.ItemRequest;
import io.hyperai.warehouse.mapping.ItemView;
import io.hyperai.warehouse.mapping.VersionViews.VersionDetail;
import io.hyperai.warehouse.mapping.VersionViews.VersionView;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/**
 * The JAX-RS face of {@link ItemEndpoints} for one kind of item: {@link DatasetResource} and {@link ModelResource}
 * only give the path and the kind, so the two APIs cannot drift apart. {@code @Authenticated} is repeated on the
 * subclasses: a class-level security annotation covers the methods its class declares.
 */
@Authenticated
public abstract class ItemResource {

    private final ItemEndpoints endpoints;

    protected ItemResource(ItemEndpoints endpoints) {
        this.endpoints = endpoints;
    }

    /** Which items this resource serves. */
    protected abstract WarehouseItem.Kind kind();

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<ItemView>> create(@Valid @NotNull ItemRequest request) {
        return endpoints.create(kind(), request);
    }

    @GET
    public Uni<Page<ItemView>> list(@Valid @BeanParam PageRequest page) {
        return endpoints.list(kind(), page);
    }

    @GET
    @Path("{id}")
    public Uni<ItemView> get(@PathParam("id") String id) {
        return endpoints.get(kind(), id);
    }

    /** Deletes it with all its versions and their files. */
    @DELETE
    @Path("{id}")
    public Uni<RestResponse<Void>> delete(@PathParam("id") String id) {
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
    public Uni<RestResponse<VersionDetail>> upload(@PathParam("id") String id,
            @RestForm(FileUpload.ALL) List<FileUpload> files,
            @QueryParam("unpack") @DefaultValue("true") boolean unpack) {
        return endpoints.upload(kind(), id, files, unpack);
    }

    @GET
    @Path("{id}/versions")
    public Uni<Page<VersionView>> versions(@PathParam("id") String id, @Valid @BeanParam PageRequest page) {
        return endpoints.versions(kind(), id, page);
    }

    @GET
    @Path("{id}/versions/{n}")
    public Uni<VersionDetail> version(@PathParam("id") String id, @PathParam("n") String n) {
        return endpoints.version(kind(), id, n);
    }

    @DELETE
    @Path("{id}/versions/{n}")
    public Uni<RestResponse<Void>> deleteVersion(@PathParam("id") String id, @PathParam("n") String n) {
        return endpoints.deleteVersion(kind(), id, n);
    }

    /** Streams one file of a version. */
    @GET
    @Path("{id}/versions/{n}/files/{path: .+}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Uni<RestResponse<PathPart>> download(@PathParam("id") String id, @PathParam("n") String n,
            @PathParam("path") String path) {
        return endpoints.download(kind(), id, n, path);
    }
}
