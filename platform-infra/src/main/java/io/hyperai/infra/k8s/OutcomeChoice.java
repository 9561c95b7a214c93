package io.hyperai.infra.k8s;

import java.time.Duration;

import io.hyperai.infra.k8s.FakeKubelet.Outcome;

/** How a pod is to end, after how long of Running, and what said so (for the DEBUG log). */
record OutcomeChoice(Outcome outcome, Duration runFor, String source) {
}
