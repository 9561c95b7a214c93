package io.hyperai.warehouse.files;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

/** Removes staging directories of uploads whose process died before it could clean up after them. */
@ApplicationScoped
public class StagingSweeper {

    private static final Logger LOG = Logger.getLogger(StagingSweeper.class);

    private final VersionFiles files;

    public StagingSweeper(VersionFiles files) {
        this.files = files;
    }

    @Scheduled(identity = "warehouse-staging-sweep", every = "1h", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        int swept = files.sweepStaging();
        if (swept > 0) {
            LOG.infof("removed %d abandoned staging directories", swept);
        }
    }
}
