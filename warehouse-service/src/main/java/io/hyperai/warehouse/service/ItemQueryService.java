package io.hyperai.warehouse.service;

import jakarta.enterprise.context.ApplicationScoped;

import io.hyperai.common.paging.Page;
import io.hyperai.common.paging.PageRequest;
import io.hyperai.warehouse.WarehouseItem;
import io.quarkus.hibernate.reactive.panache.PanacheQuery;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ItemQueryService {

    @WithSession
    public Uni<Page<WarehouseItem>> list(String ownerId, WarehouseItem.Kind kind, PageRequest request) {
        PanacheQuery<WarehouseItem> query = WarehouseItem.find("ownerId = ?1 and kind = ?2",
                Sort.descending("createdAt"), ownerId, kind);
        return query.page(request.page(), request.size()).list()
                .chain(items -> query.count().map(total -> new Page<>(items, request.page(), request.size(), total)));
    }
}
