package io.hyperai.billing.events;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.hyperai.billing.service.MeteringService;
import io.hyperai.common.events.Topics;
import io.smallrye.mutiny.Uni;

/** Billing learns running time only from the execution service's lifecycle events. */
@ApplicationScoped
public class ExecutionEventsConsumer {

    private final MeteringService metering;

    public ExecutionEventsConsumer(MeteringService metering) {
        this.metering = metering;
    }

    /** A whole poll at once ({@code batch=true}): one transaction and one offset commit for all of it. */
    @Incoming(Topics.EXECUTION)
    public Uni<Void> consume(List<String> records) {
        return metering.consume(records);
    }
}
