package io.hyperai.execution.runtime.local;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A thread per running sandbox that moves its output into its capped log. */
public final class OutputPumps implements AutoCloseable {

    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "local-runtime-output");
        t.setDaemon(true);
        return t;
    });

    public void pump(InputStream output, Path log, long capBytes) {
        threads.execute(new OutputPump(output, log, capBytes));
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
