-- An optional limit on an execution's running time, set at its start: at started_at + max_runtime_seconds it is
-- stopped (reason DEADLINE) and its home saved, like any stop.
ALTER TABLE execution ADD COLUMN max_runtime_seconds INT CHECK (max_runtime_seconds > 0);
CREATE INDEX execution_with_deadline ON execution (started_at) WHERE state = 'RUNNING' AND max_runtime_seconds IS NOT NULL;
