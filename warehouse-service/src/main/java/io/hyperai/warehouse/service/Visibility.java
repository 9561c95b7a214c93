package io.hyperai.warehouse.service;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import io.hyperai.common.problem.ProblemException;
import io.hyperai.warehouse.WarehouseItem;
import io.smallrye.mutiny.Uni;

/**
 * The rules of public items: a public item is named by its handle, {@code <owner name>/<name>}, so both halves must
 * be safe in a path and the handle unique per kind among public items. Visibility changes only what may be read and
 * bound from now on: executions already running keep their mounts.
 */
@ApplicationScoped
public class Visibility {

    static final String HANDLE_TAKEN = "handle-taken";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,99}");

    /** Passes for a private item; for a public one, fails when its handle is unusable or taken. */
    Uni<Void> check(WarehouseItem item) {
        if (!item.isPublic()) {
            return Uni.createFrom().voidItem();
        }
        if (!NAME.matcher(item.name).matches()) {
            return Uni.createFrom().failure(ProblemException.invalid("name", "a public item's name is part of its"
                    + " handle: 1 to 100 of A-Z, a-z, 0-9, '.', '_' and '-', starting with a letter or digit"));
        }
        if (item.ownerName == null || !OWNER.matcher(item.ownerName).matches()) {
            return Uni.createFrom().failure(ProblemException.invalid("visibility",
                    "this user's name cannot be part of a handle, so their items cannot be public"));
        }
        return WarehouseItem.count("kind = ?1 and ownerName = ?2 and name = ?3 and visibility = ?4 and id <> ?5",
                item.kind, item.ownerName, item.name, WarehouseItem.Visibility.PUBLIC, item.id)
                .invoke(n -> {
                    if (n > 0) {
                        throw taken(item);
                    }
                }).replaceWithVoid();
    }

    static ProblemException taken(WarehouseItem item) {
        return ProblemException.conflict(HANDLE_TAKEN, item == null ? "another public item has this handle"
                : "another public " + item.kind.label() + " is already named " + item.handle());
    }

    /** The unique index's refusal, for two changes that raced past {@link #check}. */
    static boolean handleTaken(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("warehouse_item_public_handle")) {
                return true;
            }
        }
        return false;
    }

    static WarehouseItem.Visibility of(String value, WarehouseItem.Visibility otherwise) {
        return value == null ? otherwise : WarehouseItem.Visibility.valueOf(value.toUpperCase(Locale.ROOT));
    }

    static String tags(List<String> tags) {
        return tags == null ? "" : String.join(",", tags.stream().distinct().toList());
    }
}
