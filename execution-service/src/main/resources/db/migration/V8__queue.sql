-- An execution is dispatched (given to the runtime) when its pool has room for it, in fair order (Dispatcher);
-- until then it waits, QUEUED, without a container. Executions from before the queue were all handed over at once.
ALTER TABLE execution ADD COLUMN dispatched_at TIMESTAMPTZ;
UPDATE execution SET dispatched_at = created_at;
-- the history an execution's expected running time is taken from (the owner's runs of the same gear and mode)
CREATE INDEX execution_history ON execution (owner_id, gear_id, mode, ended_at DESC) WHERE started_at IS NOT NULL
    AND ended_at IS NOT NULL;
