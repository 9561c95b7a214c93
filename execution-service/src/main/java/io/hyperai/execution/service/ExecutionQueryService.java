package io.hyperai.execution.service;

import jakarta.enterprise.context.ApplicationScoped;

import io.hyperai.common.paging.Page;
import io.hyperai.common.paging.PageRequest;
import io.hyperai.execution.Execution;
import io.quarkus.hibernate.reactive.panache.PanacheQuery;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ExecutionQueryService {

    @WithSession
    public Uni<Page<Execution>> list(String ownerId, PageRequest request) {
        PanacheQuery<Execution> query = Execution.find("ownerId", Sort.descending("createdAt"), ownerId);
        return query.page(request.page(), request.size()).list()
                .chain(items -> query.count().map(total -> new Page<>(items, request.page(), request.size(), total)));
    }
}
