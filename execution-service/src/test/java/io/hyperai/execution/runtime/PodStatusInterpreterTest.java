package io.hyperai.execution.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.hyperai.execution.ExecutionState;

/** A running pod is a RUNNING execution, except a workspace whose Jupyter does not answer yet. */
class PodStatusInterpreterTest {

    @Test
    void aWorkspaceIsStartingUntilItsJupyterIsReady() {
        assertThat(PodStatusInterpreter.interpret(running(true, false)).state()).isEqualTo(ExecutionState.STARTING);
        assertThat(PodStatusInterpreter.interpret(running(true, false)).startedAt()).isNull();
        assertThat(PodStatusInterpreter.interpret(running(true, true)).state()).isEqualTo(ExecutionState.RUNNING);
        // its user code has run though: a stop now still saves the home
        assertThat(PodStatusInterpreter.started(running(true, false))).isTrue();
    }

    @Test
    void aScriptWithoutAProbeIsRunningOnceItsContainerRuns() {
        assertThat(PodStatusInterpreter.interpret(running(false, false)).state()).isEqualTo(ExecutionState.RUNNING);
    }

    private static Pod running(boolean probed, boolean ready) {
        PodBuilder pod = new PodBuilder().withNewMetadata().withName("exec-x").endMetadata();
        var spec = pod.withNewSpec().addNewContainer().withName("main").withImage("jupyter");
        if (probed) {
            spec.withNewReadinessProbe().withNewHttpGet().withPath("/executions/x/api").endHttpGet()
                    .endReadinessProbe();
        }
        return spec.endContainer().endSpec().withNewStatus().withPhase("Running").addNewContainerStatus()
                .withName("main").withReady(ready).withNewState().withNewRunning()
                .withStartedAt("2026-12-03T07:00:00Z").endRunning().endState().endContainerStatus().endStatus()
                .build();
    }
}
