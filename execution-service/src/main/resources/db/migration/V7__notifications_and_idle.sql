-- What the platform tells a user (issue 18): one row per event that concerns them, so each notice is kept once
-- (event_id is unique) and listed or followed in order (seq).
CREATE TABLE notification (
    seq          BIGSERIAL PRIMARY KEY,
    event_id     VARCHAR(200) NOT NULL UNIQUE,
    user_id      VARCHAR(200) NOT NULL,
    kind         VARCHAR(40)  NOT NULL,
    execution_id VARCHAR(200),
    message      TEXT         NOT NULL,
    created_at   TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX notification_by_user ON notification (user_id, seq);

-- A workspace's idle policy, chosen at its start or on its gear (null: never closed for being idle, the rule of the
-- platform document), and the idle period it was warned for (so a warning is given once per idle period).
ALTER TABLE execution ADD COLUMN idle_warn_after_seconds INT CHECK (idle_warn_after_seconds > 0);
ALTER TABLE execution ADD COLUMN idle_stop_after_seconds INT CHECK (idle_stop_after_seconds > 0);
ALTER TABLE execution ADD COLUMN idle_warned_for TIMESTAMPTZ;
-- When the approach of the deadline (max_runtime_seconds) was announced.
ALTER TABLE execution ADD COLUMN deadline_warned_at TIMESTAMPTZ;
