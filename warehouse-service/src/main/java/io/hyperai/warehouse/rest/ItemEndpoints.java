package io.hyperai.warehouse.rest;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.PathPart;
import org.jboss.resteasy.reactive.RestResponse;

import io.hyperai.common.paging.Page;
import io.hyperai.common.paging.PageRequest;
import io.hyperai.common.rest.StreamedBodies;
import io.hyperai.common.security.CurrentUser;
import io.hyperai.warehouse.WarehouseItem;
import io.hyperai.warehouse.mapping.ItemPatch;
import io.hyperai.warehouse.mapping.ItemRequest;
import io.hyperai.warehouse.mapping.PromoteRequest;
import io.hyperai.warehouse.WarehouseVersion;
import io.hyperai.warehouse.mapping.ItemView;
import io.hyperai.warehouse.mapping.VersionViews;
import io.hyperai.warehouse.mapping.VersionViews.VersionDetail;
import io.hyperai.warehouse.mapping.VersionViews.VersionView;
import io.hyperai.warehouse.service.ItemStore;
import io.hyperai.warehouse.service.WarehouseService;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * The user API of datasets and models, shared by {@link DatasetResource} and {@link ModelResource}
 * (which carry the JAX-RS and security annotations). Changes are the owner's alone; reading is the owner's and,
 * for public items, anyone's. Another user's private item answers 404 like a missing one.
 */
@jakarta.enterprise.context.ApplicationScoped
public class ItemEndpoints {

    private final ItemStore store;
    private final WarehouseService warehouse;
    private final CurrentUser user;
    private final StreamedBodies bodies;

    public ItemEndpoints(ItemStore store, WarehouseService warehouse, CurrentUser user, StreamedBodies bodies) {
        this.store = store;
        this.warehouse = warehouse;
        this.user = user;
        this.bodies = bodies;
    }

    public Uni<RestResponse<ItemView>> create(WarehouseItem.Kind kind, ItemRequest request) {
        return store.create(user.id(), user.name(), kind, request).map(ItemView::of)
                .map(view -> RestResponse.ResponseBuilder.<ItemView> created(
                        URI.create("/api/v1/" + kind.collection() + "/" + view.id())).entity(view).build());
    }

    public Uni<Page<ItemView>> list(WarehouseItem.Kind kind, PageRequest page) {
        return store.list(user.id(), kind, page).map(p -> p.map(ItemView::of));
    }

    public Uni<ItemView> get(WarehouseItem.Kind kind, String id) {
        return store.read(user.id(), kind, id).map(ItemView::of);
    }

    public Uni<ItemView> change(WarehouseItem.Kind kind, String id, ItemPatch patch) {
        return store.change(user.id(), user.name(), kind, id, patch).map(ItemView::of);
    }

    /** Deletes the item and every version of it, files included. */
    public Uni<RestResponse<Void>> delete(WarehouseItem.Kind kind, String id) {
        return warehouse.deleteItem(user.id(), kind, id).map(v -> RestResponse.noContent());
    }

    /**
     * Uploads the next version: one or more files (each part's file name is its path in the version),
     * or one {@code .tar}, {@code .tar.gz}/{@code .tgz} or {@code .zip} archive that is unpacked
     * (unless {@code unpack=false}). 409 {@code quota-exceeded} when it does not fit the quota.
     */
    public Uni<RestResponse<VersionDetail>> upload(WarehouseItem.Kind kind, String id, RoutingContext request,
            boolean unpack) {
        String owner = user.id();
        return created(kind, id, owner,
                warehouse.upload(owner, kind, id, bodies.of(request), unpack));
    }

    /** The next version from a saved working directory ({@link WarehouseService#promote}). */
    public Uni<RestResponse<VersionDetail>> promote(WarehouseItem.Kind kind, String id, PromoteRequest request) {
        String owner = user.id();
        return created(kind, id, owner,
                warehouse.promote(owner, kind, id, request.fromExecutionOutput(), request.path()));
    }

    private Uni<RestResponse<VersionDetail>> created(WarehouseItem.Kind kind, String id, String owner,
            Uni<WarehouseVersion> committed) {
        return committed.chain(v -> store.version(owner, kind, id, Integer.toString(v.version)))
                .map(detail -> RestResponse.ResponseBuilder.<VersionDetail> created(URI.create(
                        "/api/v1/" + kind.collection() + "/" + id + "/versions/" + detail.version()))
                        .entity(detail).build());
    }

    public Uni<Page<VersionView>> versions(WarehouseItem.Kind kind, String id, PageRequest page) {
        return store.versions(user.id(), kind, id, page).map(p -> p.map(v -> VersionViews.view(kind, v)));
    }

    public Uni<VersionDetail> version(WarehouseItem.Kind kind, String id, String n) {
        return store.version(user.id(), kind, id, n);
    }

    public Uni<RestResponse<Void>> deleteVersion(WarehouseItem.Kind kind, String id, String n) {
        return warehouse.deleteVersion(user.id(), kind, id, n).map(v -> RestResponse.noContent());
    }

    /** One file of a version, sent from disk as it is (never through the heap). */
    public Uni<RestResponse<PathPart>> download(WarehouseItem.Kind kind, String id, String n,
            String path) {
        return warehouse.download(user.id(), kind, id, n, path).map(d -> RestResponse.ResponseBuilder
                .ok(new PathPart(d.file(), 0, d.size()), MediaType.APPLICATION_OCTET_STREAM_TYPE)
                .header(HttpHeaders.CONTENT_DISPOSITION, disposition(d.name()))
                .header(HttpHeaders.ETAG, "\"" + d.sha256() + "\"")
                .build());
    }

    private static String disposition(String name) {
        String ascii = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''"
                + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
