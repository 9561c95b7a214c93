package io.hyperai.infra.k8s;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import io.fabric8.kubernetes.api.model.Pod;
import io.hyperai.infra.k8s.FakeKubelet.Outcome;
import io.hyperai.infra.k8s.FakeKubelet.Plan;
import org.jboss.logging.Logger;

/** The registered {@link Plan}s; tests add and cancel them from any thread while the node thread reads them. */
final class Plans {

    private static final Logger LOG = Logger.getLogger(Plans.class);

    private final List<Plan> plans = new CopyOnWriteArrayList<>();

    Plan add(Predicate<Pod> match, Outcome outcome, Duration runFor) {
        Plan plan = new Plan(this, match, outcome, runFor);
        plans.add(plan);
        return plan;
    }

    void remove(Plan plan) {
        plans.remove(plan);
    }

    void clear() {
        plans.clear();
    }

    /** The most recently registered plan that matches, or null. */
    OutcomeChoice match(Pod pod) {
        List<Plan> now = List.copyOf(plans);
        for (int i = now.size() - 1; i >= 0; i--) {
            Plan plan = now.get(i);
            if (matches(plan, pod)) {
                return new OutcomeChoice(plan.outcome(), plan.runFor(), "plan");
            }
        }
        return null;
    }

    private static boolean matches(Plan plan, Pod pod) {
        try {
            return plan.matches(pod);
        } catch (RuntimeException e) {
            LOG.warnf(e, "plan predicate failed for pod %s/%s", pod.getMetadata().getNamespace(),
                    pod.getMetadata().getName());
            return false;
        }
    }
}
