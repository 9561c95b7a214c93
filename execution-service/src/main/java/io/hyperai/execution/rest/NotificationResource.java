package io.hyperai.execution.rest;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.validation.Valid;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.hyperai.common.paging.Page;
import io.hyperai.common.paging.PageRequest;
import io.hyperai.common.problem.ProblemException;
import io.hyperai.common.security.CurrentUser;
import io.hyperai.execution.config.ExecutionConfig;
import io.hyperai.execution.mapping.NotificationView;
import io.hyperai.execution.service.NotificationService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** What the platform told the caller: idle and deadline warnings, stops, balance, spending caps, storage. */
@Path("/api/v1/notifications")
@Authenticated
@Tag(name = "Notifications", description = "Warnings and notices for the caller, each once: idle workspaces,"
        + " approaching deadlines, executions stopped by a policy, low or exhausted balance, spending caps, storage"
        + " nearly full or over quota.")
public class NotificationResource {

    private static final String LIST = "The caller's notifications, newest first";
    private static final String FOLLOW = "With `Accept: text/event-stream`: each new notification as a server-sent"
            + " event (`id` is the notification's id, event name `notification`), from `after` or `Last-Event-ID`, or"
            + " from now when neither is given, until the caller disconnects.";
    private static final int BATCH = 100;

    private final NotificationService notifications;
    private final CurrentUser user;
    private final ExecutionConfig config;

    public NotificationResource(NotificationService notifications, CurrentUser user, ExecutionConfig config) {
        this.notifications = notifications;
        this.user = user;
        this.config = config;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = LIST)
    public Uni<Page<NotificationView>> list(@Valid @BeanParam PageRequest page,
            @Parameter(description = "Only the notifications after this id (what is new since one seen)")
            @QueryParam("after") @PositiveOrZero Long after) {
        return notifications.list(user.id(), after == null ? 0 : after, page);
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Follow the caller's notifications", description = FOLLOW)
    public Multi<OutboundSseEvent> follow(
            @Parameter(description = "Send the notifications after this id") @QueryParam("after") @PositiveOrZero Long after,
            @Parameter(description = "As `after`: what an EventSource sends when it reconnects")
            @HeaderParam("Last-Event-ID") String lastEventId,
            @Context Sse sse) {
        String owner = user.id();
        Long from = after != null ? after : lastEventId(lastEventId);
        AtomicLong sent = new AtomicLong();
        Uni<Long> start = from != null ? Uni.createFrom().item(from) : notifications.newest(owner);
        return start.invoke(sent::set).onItem().transformToMulti(ignored -> Multi.createFrom().ticks()
                .every(config.notificationsPoll()).onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> notifications.after(owner, sent.get(), BATCH))
                .onItem().transformToIterable(batch -> batch)
                .invoke(n -> sent.set(n.id()))
                .map(n -> sse.newEventBuilder().id(Long.toString(n.id())).name("notification")
                        .mediaType(MediaType.APPLICATION_JSON_TYPE).data(NotificationView.class, n).build()));
    }

    private static Long lastEventId(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            long id = Long.parseLong(header.strip());
            if (id >= 0) {
                return id;
            }
        } catch (NumberFormatException bad) {
            // the problem below
        }
        throw ProblemException.invalid("Last-Event-ID", "must be a notification id");
    }
}
