-- An optional cap on what one execution may cost, set at its start and carried to billing in execution.started:
-- billing says billing.cap.reached (scope EXECUTION) when its cost reaches it, and it is stopped (reason SPENDING_CAP).
ALTER TABLE execution ADD COLUMN max_cost_minor BIGINT CHECK (max_cost_minor > 0);
