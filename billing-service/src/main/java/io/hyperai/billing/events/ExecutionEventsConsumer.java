package io.hyperai.billing.events;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.hyperai.billing.service.MeteringService;
import io.hyperai.common.events.Topics;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/** Billing learns running time only from the execution service's lifecycle events. */
@ApplicationScoped
public class ExecutionEventsConsumer {

    private final MeteringService metering;

    public ExecutionEventsConsumer(MeteringService metering) {
        this.metering = metering;
    }

    /**
     * A whole poll in one transaction ({@code batch=true}). Taken as records, not payloads, so that each execution's
     * settlement is traced in the trace of the event that ended it (TraceAcrossKafkaIT). The batch is acknowledged
     * once applied; the inbox waits out transient failures itself, so what still fails goes by the failure strategy.
     */
    @Incoming(Topics.EXECUTION)
    public Uni<Void> consume(KafkaRecordBatch<String, String> batch) {
        return metering.consume(batch).chain(() -> Uni.createFrom().completionStage(batch::ack))
                .onFailure().recoverWithUni(failure -> Uni.createFrom().completionStage(() -> batch.nack(failure)));
    }
}
