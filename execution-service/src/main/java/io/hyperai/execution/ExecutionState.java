package io.hyperai.execution;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where an execution stands. QUEUED is admitted but not placed (including waiting for GPU
 * capacity); STARTING is placed on a node, its container being created; the three end states are
 * final: nothing observed later changes them.
 */
public enum ExecutionState {
    QUEUED, STARTING, RUNNING, SUCCEEDED, FAILED, STOPPED;

    public static final Set<ExecutionState> ACTIVE = EnumSet.of(QUEUED, STARTING, RUNNING);

    public boolean isTerminal() {
        return !ACTIVE.contains(this);
    }
}
