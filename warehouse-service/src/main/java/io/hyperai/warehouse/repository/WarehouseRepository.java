package io.hyperai.warehouse.repository;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.hyperai.common.paging.Page;
import io.hyperai.common.paging.PageRequest;
import io.hyperai.common.problem.ProblemException;
import io.hyperai.warehouse.WarehouseFile;
import io.hyperai.warehouse.WarehouseItem;
import io.hyperai.warehouse.WarehouseVersion;
import io.quarkus.hibernate.reactive.panache.PanacheQuery;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/**
 * Lookups that answer 404 alike for what is missing and what belongs to someone else; callers provide
 * the session.
 */
@ApplicationScoped
public class WarehouseRepository {

    public Uni<WarehouseItem> owned(String ownerId, WarehouseItem.Kind kind, String id, boolean lock) {
        UUID uuid = uuid(id);
        if (uuid == null) {
            return Uni.createFrom().failure(ProblemException.notFound(kind.label(), id));
        }
        Uni<WarehouseItem> find = lock ? WarehouseItem.findById(uuid, LockModeType.PESSIMISTIC_WRITE)
                : WarehouseItem.findById(uuid);
        return find.onItem().ifNull().failWith(() -> ProblemException.notFound(kind.label(), id))
                .invoke(item -> {
                    if (!item.ownerId.equals(ownerId) || item.kind != kind) {
                        throw ProblemException.notFound(kind.label(), id);
                    }
                });
    }

    /** The caller's own item, or anyone's public one; 404 alike for the rest. */
    public Uni<WarehouseItem> readable(String callerId, WarehouseItem.Kind kind, String id) {
        UUID uuid = uuid(id);
        if (uuid == null) {
            return Uni.createFrom().failure(ProblemException.notFound(kind.label(), id));
        }
        return WarehouseItem.<WarehouseItem>findById(uuid)
                .onItem().ifNull().failWith(() -> ProblemException.notFound(kind.label(), id))
                .invoke(item -> {
                    if (item.kind != kind || !(item.ownerId.equals(callerId) || item.isPublic())) {
                        throw ProblemException.notFound(kind.label(), id);
                    }
                });
    }

    /**
     * Public items of a kind, those whose name or description contains {@code q} and that carry {@code tag} (each
     * optional), sorted by {@code name} or {@code newest}.
     */
    public Uni<Page<WarehouseItem>> publicItems(WarehouseItem.Kind kind, String q, String tag, String sort,
            PageRequest request) {
        StringBuilder where = new StringBuilder("kind = :kind and visibility = :public");
        Map<String, Object> params = new HashMap<>();
        params.put("kind", kind);
        params.put("public", WarehouseItem.Visibility.PUBLIC);
        if (q != null && !q.isBlank()) {
            where.append(" and (lower(name) like :q or lower(coalesce(description, '')) like :q)");
            params.put("q", "%" + like(q.toLowerCase(java.util.Locale.ROOT)) + "%");
        }
        if (tag != null && !tag.isBlank()) {
            where.append(" and concat(',', tags, ',') like :tag");
            params.put("tag", "%," + like(tag) + ",%");
        }
        Sort order = "newest".equals(sort) ? Sort.descending("createdAt").and("id") : Sort.ascending("name").and("id");
        PanacheQuery<WarehouseItem> query = WarehouseItem.find(where.toString(), order, params);
        return query.page(request.page(), request.size()).list()
                .chain(items -> query.count().map(total -> new Page<>(items, request.page(), request.size(), total)));
    }

    /** A public item by its handle's halves. */
    public Uni<WarehouseItem> byHandle(WarehouseItem.Kind kind, String ownerName, String name) {
        return WarehouseItem.<WarehouseItem>find("kind = ?1 and ownerName = ?2 and name = ?3 and visibility = ?4",
                kind, ownerName, name, WarehouseItem.Visibility.PUBLIC).firstResult()
                .onItem().ifNull().failWith(() -> ProblemException.notFound(kind.label(), ownerName + "/" + name));
    }

    private static String like(String value) {
        return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /** A version of an item; any item (owner checks are the caller's). */
    public Uni<WarehouseVersion> version(WarehouseItem item, String number) {
        int n = number(number);
        if (n <= 0) {
            return Uni.createFrom().failure(ProblemException.notFound(item.kind.label() + " version", number));
        }
        return WarehouseVersion.<WarehouseVersion>findById(new WarehouseVersion.Key(item.id, n))
                .onItem().ifNull().failWith(() -> ProblemException.notFound(item.kind.label() + " version",
                        item.id + "/" + number));
    }

    public Uni<Page<WarehouseItem>> items(String ownerId, WarehouseItem.Kind kind, PageRequest request) {
        PanacheQuery<WarehouseItem> query = WarehouseItem.find("ownerId = ?1 and kind = ?2",
                Sort.descending("createdAt").and("id"), ownerId, kind);
        return query.page(request.page(), request.size()).list()
                .chain(items -> query.count().map(total -> new Page<>(items, request.page(), request.size(), total)));
    }

    public Uni<Page<WarehouseVersion>> versions(UUID itemId, PageRequest request) {
        PanacheQuery<WarehouseVersion> query = WarehouseVersion.find("itemId", Sort.ascending("version"), itemId);
        return query.page(request.page(), request.size()).list()
                .chain(list -> query.count().map(total -> new Page<>(list, request.page(), request.size(), total)));
    }

    public Uni<List<WarehouseVersion>> allVersions(UUID itemId) {
        return WarehouseVersion.list("itemId", Sort.ascending("version"), itemId);
    }

    public Uni<List<WarehouseFile>> files(UUID itemId, int version) {
        return WarehouseFile.list("itemId = ?1 and version = ?2", Sort.ascending("path"), itemId, version);
    }

    public Uni<WarehouseFile> file(UUID itemId, int version, String path) {
        return WarehouseFile.findById(new WarehouseFile.Key(itemId, version, path));
    }

    public Uni<Void> deleteVersion(UUID itemId, int version) {
        return WarehouseFile.delete("itemId = ?1 and version = ?2", itemId, version)
                .chain(() -> WarehouseVersion.delete("itemId = ?1 and version = ?2", itemId, version))
                .replaceWithVoid();
    }

    public Uni<Void> deleteItem(UUID itemId) {
        return WarehouseFile.delete("itemId", itemId)
                .chain(() -> WarehouseVersion.delete("itemId", itemId))
                .chain(() -> WarehouseItem.delete("id", itemId))
                .replaceWithVoid();
    }

    public static UUID uuid(String id) {
        try {
            return id == null ? null : UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static int number(String n) {
        try {
            return n == null || n.length() > 9 ? -1 : Integer.parseInt(n);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
