package io.hyperai.execution.proxy;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * When each workspace was last used through this instance's proxy (a page, a file, an API call or a new WebSocket):
 * one of the signs of use the idle policy reads, beside what Jupyter itself reports of its kernels and terminals. Kept
 * in memory and handed to {@code ActivitySaver} to be saved, because the idle policy runs on one instance and a
 * workspace's requests may pass through any.
 */
@ApplicationScoped
public class WorkspaceActivity {

    private final Map<String, Instant> last = new ConcurrentHashMap<>();
    private final Map<String, Instant> unsaved = new ConcurrentHashMap<>();

    public void touch(String executionId) {
        Instant now = Instant.now();
        last.put(executionId, now);
        unsaved.put(executionId, now);
    }

    public Optional<Instant> last(String executionId) {
        return Optional.ofNullable(last.get(executionId));
    }

    /** What was used since the last call, each with its latest use; taken out (put back with {@link #unsaved}). */
    public Map<String, Instant> takeUnsaved() {
        Map<String, Instant> taken = new HashMap<>();
        // each entry removed as it is taken: a use recorded meanwhile stays for the next save
        unsaved.keySet().forEach(id -> {
            Instant at = unsaved.remove(id);
            if (at != null) {
                taken.put(id, at);
            }
        });
        return taken;
    }

    /** Gives back what could not be saved, keeping any later use. */
    public void unsaved(Map<String, Instant> notSaved) {
        notSaved.forEach((id, at) -> unsaved.merge(id, at, (a, b) -> a.isAfter(b) ? a : b));
    }

    /** Forgets the workspaces that no longer run (so the record does not grow with every workspace ever used). */
    public void retainOnly(Set<String> running) {
        last.keySet().retainAll(running);
        unsaved.keySet().retainAll(running);
    }
}
