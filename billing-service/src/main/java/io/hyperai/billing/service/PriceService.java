package io.hyperai.billing.service;

import java.util.Comparator;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import io.hyperai.billing.mapping.PriceView;
import io.hyperai.common.client.DependencyFailures;
import io.hyperai.common.client.GearClient;
import io.hyperai.common.problem.ProblemException;
import io.smallrye.mutiny.Uni;

/**
 * Prices as gear-service's catalogue states them now. Billing does not keep a copy: a running
 * execution is charged at the price its start event carries, whatever the catalogue says later.
 */
@ApplicationScoped
public class PriceService {

    static final String GEAR = "gear-service";
    private static final Logger LOG = Logger.getLogger(PriceService.class);

    private final GearClient gear;

    public PriceService(@RestClient GearClient gear) {
        this.gear = gear;
    }

    public Uni<List<PriceView>> prices() {
        return DependencyFailures.guard(GEAR, gear.computeSpecs())
                .onFailure(e -> !(e instanceof ProblemException))
                .invoke(e -> LOG.warnf("%s refused the catalogue request: %s", GEAR, e.toString()))
                .onFailure(e -> !(e instanceof ProblemException))
                .transform(e -> new ProblemException(502, "dependency-error", "Bad Gateway",
                        GEAR + " refused the catalogue request; nothing was changed", null, null))
                .map(specs -> specs.stream().filter(s -> !s.retired()).map(PriceView::of)
                        .sorted(Comparator.comparing(PriceView::kind).thenComparing(PriceView::pricePerHourMinor)
                                .thenComparing(PriceView::computeSpecId))
                        .toList());
    }
}
