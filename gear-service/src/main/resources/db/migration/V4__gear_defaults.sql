-- A user's defaults for their gears (issue 18): the idle policy a workspace takes when its gear has none of its own.
CREATE TABLE gear_defaults (
    user_id                  VARCHAR(200) PRIMARY KEY,
    idle_warn_after_seconds  INT CHECK (idle_warn_after_seconds > 0),
    idle_stop_after_seconds  INT CHECK (idle_stop_after_seconds > 0),
    updated_at               TIMESTAMPTZ NOT NULL DEFAULT now()
);
