package io.hyperai.execution.service;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.EventType;
import io.hyperai.common.paging.Page;
import io.hyperai.common.paging.PageRequest;
import io.hyperai.execution.Notification;
import io.hyperai.execution.mapping.NotificationView;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/**
 * A user's notices: kept from the events that concern them (idle and deadline warnings, stops they did not ask for,
 * low or exhausted balance, spending caps, storage nearly full or over quota), once each, and read newest first or
 * followed in order.
 */
@ApplicationScoped
public class NotificationService {

    /** Keeps what this event tells its user, in the caller's transaction (the consumer's, which claimed the event). */
    public Uni<Void> keep(EventEnvelope envelope, EventType type) {
        Notices.Notice notice = Notices.of(envelope, type);
        if (notice == null) {
            return Uni.createFrom().voidItem();
        }
        Notification n = new Notification();
        n.eventId = envelope.id();
        n.userId = notice.userId();
        n.kind = notice.kind();
        n.executionId = notice.executionId();
        n.message = notice.message();
        return n.persist().replaceWithVoid();
    }

    /** The caller's notices after {@code after} (an id; 0: all), newest first. */
    public Uni<Page<NotificationView>> list(String userId, long after, PageRequest page) {
        return Panache.withSession(() -> Notification.count("userId = ?1 and seq > ?2", userId, after)
                .chain(total -> Notification.<Notification>find("userId = ?1 and seq > ?2", Sort.descending("seq"),
                        userId, after)
                        .page(page.page(), page.size()).list()
                        .map(items -> new Page<>(items.stream().map(NotificationView::of).toList(), page.page(),
                                page.size(), total))));
    }

    /** The caller's notices after {@code after} (an id), oldest first, at most {@code limit}. */
    public Uni<List<NotificationView>> after(String userId, long after, int limit) {
        return Panache.withSession(() -> Notification.<Notification>find("userId = ?1 and seq > ?2",
                Sort.ascending("seq"), userId, after).page(0, limit).list()
                .map(items -> items.stream().map(NotificationView::of).toList()));
    }

    /** The id of the caller's newest notice (0: none): following from it shows only what comes next. */
    public Uni<Long> newest(String userId) {
        return Panache.withSession(() -> Notification.<Notification>find("userId", Sort.descending("seq"), userId)
                .firstResult().map(n -> n == null ? 0L : n.seq));
    }
}
