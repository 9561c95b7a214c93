package io.hyperai.warehouse.rest;

import jakarta.validation.Valid;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import io.hyperai.common.paging.Page;
import io.hyperai.common.paging.PageRequest;
import io.hyperai.common.security.CurrentUser;
import io.hyperai.warehouse.WarehouseItem;
import io.hyperai.warehouse.mapping.ItemView;
import io.hyperai.warehouse.service.ItemQueryService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

@Path("/api/v1")
@Authenticated
public class ItemResource {

    private final ItemQueryService items;
    private final CurrentUser user;

    public ItemResource(ItemQueryService items, CurrentUser user) {
        this.items = items;
        this.user = user;
    }

    @GET
    @Path("datasets")
    public Uni<Page<ItemView>> datasets(@Valid @BeanParam PageRequest page) {
        return items.list(user.id(), WarehouseItem.Kind.DATASET, page).map(p -> p.map(ItemView::of));
    }

    @GET
    @Path("models")
    public Uni<Page<ItemView>> models(@Valid @BeanParam PageRequest page) {
        return items.list(user.id(), WarehouseItem.Kind.MODEL, page).map(p -> p.map(ItemView::of));
    }
}
