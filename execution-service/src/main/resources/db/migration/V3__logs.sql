-- An ended execution's output (its last megabyte), kept once its container is gone.
CREATE TABLE execution_log (
    execution_id UUID PRIMARY KEY REFERENCES execution (id) ON DELETE CASCADE,
    content      TEXT NOT NULL,
    truncated    BOOLEAN NOT NULL,
    saved_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
