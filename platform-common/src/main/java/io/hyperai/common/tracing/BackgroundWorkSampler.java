package io.hyperai.common.tracing;

import java.util.List;

import jakarta.inject.Singleton;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;

/**
 * Samples as {@code parentbased_always_on}, except that a client span with no parent starts no trace: the
 * database queries of timers (the outbox relay polls several times a second in every service, the backlog
 * gauge, reconciliation and accrual passes) would otherwise bury the traces of requests and events. Quarkus
 * uses a {@link Sampler} bean in place of the configured one.
 */
@Singleton
public class BackgroundWorkSampler implements Sampler {

    private final Sampler delegate = Sampler.parentBased(Sampler.alwaysOn());

    @Override
    public SamplingResult shouldSample(Context parentContext, String traceId, String name, SpanKind spanKind,
            Attributes attributes, List<LinkData> parentLinks) {
        if (spanKind == SpanKind.CLIENT && !Span.fromContext(parentContext).getSpanContext().isValid()) {
            return SamplingResult.drop();
        }
        return delegate.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
    }

    @Override
    public String getDescription() {
        return "BackgroundWorkSampler{" + delegate.getDescription() + "}";
    }
}
