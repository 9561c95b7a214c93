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

    /**
     * One record at a time, through the batch path: the settlement's span stays in the trace of the request that
     * ended the execution (TraceAcrossKafkaIT). Taking whole polls ({@code batch=true}) is ready in
     * {@link MeteringService#consume} but loses that per-record trace context; see docs/benchmarks.md.
     */
    @Incoming(Topics.EXECUTION)
    public Uni<Void> consume(String record) {
        return metering.consume(List.of(record));
    }
}
