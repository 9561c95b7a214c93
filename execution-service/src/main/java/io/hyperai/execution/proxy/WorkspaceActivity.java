package io.hyperai.execution.proxy;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * When each workspace was last used through its proxy (a page, a file, an API call or a new WebSocket): one of the
 * signs of use the idle policy reads, beside what Jupyter itself reports of its kernels and terminals. In memory: after
 * a restart the other signs (and the start time) stand in until the next request.
 */
@ApplicationScoped
public class WorkspaceActivity {

    private final Map<String, Instant> last = new ConcurrentHashMap<>();

    void touch(String executionId) {
        last.put(executionId, Instant.now());
    }

    public Optional<Instant> last(String executionId) {
        return Optional.ofNullable(last.get(executionId));
    }

    /** Forgets the workspaces that no longer run (so the record does not grow with every workspace ever used). */
    public void retainOnly(Set<String> running) {
        last.keySet().retainAll(running);
    }
}
