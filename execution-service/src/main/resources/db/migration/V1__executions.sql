-- One row per run of a gear, with what it was started with (fixed at admission: a later change
-- of the gear or of a price does not alter it) and where it stands.
CREATE TABLE execution (
    id                    UUID         PRIMARY KEY,
    owner_id              VARCHAR(200) NOT NULL,
    gear_id               VARCHAR(64)  NOT NULL,
    mode                  VARCHAR(16)  NOT NULL CHECK (mode IN ('SCRIPT', 'JUPYTER')),
    state                 VARCHAR(16)  NOT NULL
                          CHECK (state IN ('QUEUED', 'STARTING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'STOPPED')),
    reason                VARCHAR(64),
    exit_code             INT,
    entry_command         VARCHAR(4000),
    code_id               VARCHAR(64),
    continued_from        UUID,
    compute_spec_id       VARCHAR(64)  NOT NULL,
    price_per_hour_minor  BIGINT       NOT NULL,
    currency              VARCHAR(3)   NOT NULL,
    launch                TEXT         NOT NULL,
    pod_name              VARCHAR(63)  NOT NULL,
    jupyter_token         VARCHAR(64),
    stop_requested        BOOLEAN      NOT NULL DEFAULT FALSE,
    workdir_bytes         BIGINT,
    created_at            TIMESTAMPTZ  NOT NULL DEFAULT now(),
    started_at            TIMESTAMPTZ,
    ended_at              TIMESTAMPTZ,
    updated_at            TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX execution_owner ON execution (owner_id, created_at DESC);
CREATE INDEX execution_active ON execution (state) WHERE state IN ('QUEUED', 'STARTING', 'RUNNING');
-- ended runs whose working directory has not been measured and announced yet
CREATE INDEX execution_unsaved ON execution (ended_at) WHERE workdir_bytes IS NULL AND started_at IS NOT NULL
    AND state IN ('SUCCEEDED', 'FAILED', 'STOPPED');

CREATE TABLE execution_transition (
    id           BIGSERIAL   PRIMARY KEY,
    execution_id UUID        NOT NULL REFERENCES execution (id) ON DELETE CASCADE,
    state        VARCHAR(16) NOT NULL,
    at           TIMESTAMPTZ NOT NULL,
    reason       VARCHAR(64),
    detail       VARCHAR(1000)
);
CREATE INDEX execution_transition_execution ON execution_transition (execution_id, id);
