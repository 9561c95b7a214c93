package io.hyperai.warehouse.mapping;

import java.time.Instant;
import java.util.List;

import io.hyperai.warehouse.service.ItemStore.PublicItem;

/** A public dataset or model as anyone sees it: its handle, owner, tags, number of versions and newest one's size. */
public record PublicItemView(String id, String kind, String handle, String owner, String name, String description,
        List<String> tags, int versions, Integer latestVersion, Long latestBytes, Instant createdAt) {

    public static PublicItemView of(PublicItem p) {
        return new PublicItemView(p.item().id.toString(), p.item().kind.label(), p.item().handle(), p.item().ownerName,
                p.item().name, p.item().description, p.item().tagList(), p.versions(), p.latestVersion(),
                p.latestBytes(), p.item().createdAt);
    }
}
