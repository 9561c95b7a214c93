package io.hyperai.infra.k8s;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.hyperai.infra.k8s.FakeKubelet.Outcome;
import org.jboss.logging.Logger;

/**
 * A pod's own choice of outcome: {@value FakeKubelet#OUTCOME_ANNOTATION}, {@value FakeKubelet#EXIT_CODE_ANNOTATION},
 * {@value FakeKubelet#RUN_MILLIS_ANNOTATION}. Bad values are logged and ignored, as a real kubelet ignores annotations.
 */
final class OutcomeAnnotations {

    private static final Logger LOG = Logger.getLogger(OutcomeAnnotations.class);

    private OutcomeAnnotations() {
    }

    /** Null if the pod chooses nothing (or nothing valid). */
    static OutcomeChoice of(Pod pod) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        if (annotations == null) {
            return null;
        }
        String kind = annotations.get(FakeKubelet.OUTCOME_ANNOTATION);
        String exitCode = annotations.get(FakeKubelet.EXIT_CODE_ANNOTATION);
        String runMillis = annotations.get(FakeKubelet.RUN_MILLIS_ANNOTATION);
        if (kind == null && exitCode == null) {
            return null;
        }
        String which = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
        try {
            Duration runFor = runMillis == null ? FakeKubelet.DEFAULT_RUN_FOR
                    : Duration.ofMillis(Long.parseLong(runMillis.trim()));
            Integer code = exitCode == null ? null : Integer.valueOf(exitCode.trim());
            Outcome outcome = kind == null ? Outcome.exit(code) : named(kind, code);
            if (outcome == null) {
                LOG.warnf("pod %s: unknown %s '%s', ignored", which, FakeKubelet.OUTCOME_ANNOTATION, kind);
                return null;
            }
            return new OutcomeChoice(outcome, runFor, "annotations");
        } catch (RuntimeException e) {
            LOG.warnf("pod %s: bad fake-kubelet annotations (%s), ignored", which, e.toString());
            return null;
        }
    }

    private static Outcome named(String kind, Integer code) {
        switch (kind.trim().toLowerCase(Locale.ROOT)) {
            case "succeed":
            case "success":
            case "succeeded":
                return Outcome.SUCCEED;
            case "fail":
            case "failed":
            case "error":
                return Outcome.exit(code == null ? 1 : code);
            case "oom":
            case "oomkilled":
            case "oom-killed":
                return Outcome.OOM_KILLED;
            case "evict-disk":
            case "evicted":
            case "evict":
                return Outcome.EVICTED_DISK;
            case "unschedulable":
                return Outcome.UNSCHEDULABLE;
            case "run":
            case "run-forever":
                return Outcome.RUN_FOREVER;
            default:
                return null;
        }
    }
}
