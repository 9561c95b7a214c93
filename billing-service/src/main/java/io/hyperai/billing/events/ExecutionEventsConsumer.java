package io.hyperai.billing.events;

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

    @Incoming(Topics.EXECUTION)
    public Uni<Void> consume(String record) {
        return metering.consume(record);
    }
}
