package io.hyperai.execution.proxy;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.hyperai.execution.runtime.ExecutionRuntime;
import io.hyperai.execution.runtime.Launch;
import io.hyperai.execution.runtime.PodObservation;
import io.hyperai.execution.runtime.WorkspaceEndpoint;

/** Only what the proxy asks of a runtime: the workspaces a test names. A script or an ended execution has none. */
final class StandInRuntime implements ExecutionRuntime {

    private final Map<String, WorkspaceEndpoint> workspaces = new ConcurrentHashMap<>();

    void workspace(String executionId, WorkspaceEndpoint endpoint) {
        workspaces.put(executionId, endpoint);
    }

    void ended(String executionId) {
        workspaces.remove(executionId);
    }

    @Override
    public Optional<WorkspaceEndpoint> workspaceEndpoint(String executionId) {
        return Optional.ofNullable(workspaces.get(executionId));
    }

    @Override
    public void start(Launch launch) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void remove(String executionId) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<PodObservation> observe(String executionId) {
        throw new UnsupportedOperationException();
    }

    @Override
    public String workspaceBase(String executionId) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Set<String> withContainers() {
        throw new UnsupportedOperationException();
    }

    @Override
    public byte[] logs(String executionId, long offset, int max) {
        throw new UnsupportedOperationException();
    }

    @Override
    public io.hyperai.execution.runtime.LogChunk tail(String executionId, int max) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void onChange(Consumer<String> changed) {
        throw new UnsupportedOperationException();
    }
}
