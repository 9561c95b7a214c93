package io.hyperai.warehouse.rest;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.hyperai.common.paging.Page;
import io.hyperai.common.paging.PageRequest;
import io.hyperai.common.problem.ProblemException;
import io.hyperai.warehouse.WarehouseItem;
import io.hyperai.warehouse.mapping.PublicItemView;
import io.hyperai.warehouse.service.ItemStore;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

/**
 * Everyone's public datasets and models: listed and searched here, read by handle here or by id through the
 * {@code /api/v1/datasets} and {@code /api/v1/models} paths (versions and files included), bound by anyone.
 */
@Path("/api/v1/public/{collection}")
@Authenticated
@Tag(name = "Public datasets and models", description = "Datasets and models their owners made public: anyone may"
        + " list, read and bind them; they count against their owner's storage only.")
public class PublicItemResource {

    private static final String COLLECTION = "datasets or models";

    private final ItemStore store;

    public PublicItemResource(ItemStore store) {
        this.store = store;
    }

    @GET
    @Operation(summary = "List and search public datasets or models", description = "Sorted by name (default) or"
            + " newest first; `q` is searched in names and descriptions, `tag` must be one of the item's tags.")
    public Uni<Page<PublicItemView>> list(@Parameter(description = COLLECTION) @PathParam("collection") String collection,
            @Parameter(description = "Words in the name or description") @QueryParam("q") @Size(max = 200) String q,
            @Parameter(description = "A tag the item carries") @QueryParam("tag") @Size(max = 32) String tag,
            @Parameter(description = "name or newest") @QueryParam("sort") @DefaultValue("name")
            @Pattern(regexp = "^(name|newest)$", message = "must be name or newest") String sort,
            @Valid @BeanParam PageRequest page) {
        return store.publicItems(kind(collection), q, tag, sort, page).map(p -> p.map(PublicItemView::of));
    }

    @GET
    @Path("{owner}/{name}")
    @Operation(summary = "A public dataset or model by its handle", description = "`<owner name>/<name>`, for"
            + " example `hyperai/cifar-100`. Its versions and files are read by its id.")
    public Uni<PublicItemView> byHandle(
            @Parameter(description = COLLECTION) @PathParam("collection") String collection,
            @Parameter(description = "The owner's user name") @PathParam("owner") String owner,
            @Parameter(description = "The item's name") @PathParam("name") String name) {
        return store.byHandle(kind(collection), owner, name).map(PublicItemView::of);
    }

    static WarehouseItem.Kind kind(String collection) {
        for (WarehouseItem.Kind kind : WarehouseItem.Kind.values()) {
            if (kind.collection().equals(collection)) {
                return kind;
            }
        }
        throw ProblemException.notFound("collection", collection);
    }
}
