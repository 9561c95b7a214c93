package io.hyperai.infra.k8s;

import java.time.Duration;
import java.util.function.Predicate;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * execution-service's save pods (component {@value #COMPONENT}) copy the home of an ended execution to storage. A
 * fake node copies nothing, so they just end as a real one does once its copy is done, and ended executions get
 * measured.
 */
final class HomeSavePods {

    static final String COMPONENT = "home-save";
    static final Predicate<Pod> MATCH = FakeKubelet.withLabel("app.kubernetes.io/component", COMPONENT);
    static final Duration COPY_TIME = Duration.ofMillis(200);

    private HomeSavePods() {
    }
}
