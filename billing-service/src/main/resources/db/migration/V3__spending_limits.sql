-- A user's spending limits (NULL: none) and the crossings they remember, so each is published once.
-- low_balance: the projected balance was last seen at or below low_balance_threshold_minor (re-armed above it).
-- capped_month: the first day (UTC) of the month whose spend reached monthly_cap_minor; a later month is not capped.
ALTER TABLE billing_account
    ADD COLUMN monthly_cap_minor           BIGINT CHECK (monthly_cap_minor >= 0),
    ADD COLUMN low_balance_threshold_minor BIGINT CHECK (low_balance_threshold_minor >= 0),
    ADD COLUMN low_balance                 BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN capped_month                DATE;
-- The projection pass reads only the accounts that have a limit or a crossing to re-arm.
CREATE INDEX billing_account_limited ON billing_account (user_id)
    WHERE monthly_cap_minor IS NOT NULL OR low_balance_threshold_minor IS NOT NULL OR low_balance
       OR capped_month IS NOT NULL;

-- An execution's own spending cap (from execution.started) and when its cost reached it (published once).
ALTER TABLE metered_run
    ADD COLUMN max_cost_minor BIGINT CHECK (max_cost_minor >= 0),
    ADD COLUMN cap_reached_at TIMESTAMPTZ;
CREATE INDEX metered_run_capped ON metered_run (execution_id)
    WHERE max_cost_minor IS NOT NULL AND cap_reached_at IS NULL AND ended_at IS NULL;
