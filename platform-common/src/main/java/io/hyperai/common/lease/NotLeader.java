package io.hyperai.common.lease;

import jakarta.inject.Singleton;

import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;

/** Skips a singleton job's run on every instance but the leader ({@code @Scheduled(skipExecutionIf = ...)}). */
@Singleton
public class NotLeader implements Scheduled.SkipPredicate {

    private final Leadership leadership;

    public NotLeader(Leadership leadership) {
        this.leadership = leadership;
    }

    @Override
    public boolean test(ScheduledExecution execution) {
        return !leadership.leads();
    }
}
