-- A gear's idle policy for its workspaces (issue 18): warned, and/or stopped with the home saved, after this long
-- without use. Null: none (a workspace runs until stopped, the platform's rule).
ALTER TABLE gear ADD COLUMN idle_warn_after_seconds INT CHECK (idle_warn_after_seconds > 0);
ALTER TABLE gear ADD COLUMN idle_stop_after_seconds INT CHECK (idle_stop_after_seconds > 0);
