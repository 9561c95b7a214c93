-- Gears, their data bindings, and what gear-service knows about running executions.

-- A gear's bindings are a value of the gear: at most six, always read and replaced as a whole, so
-- they live in one JSONB column, {"items": [...]}. Each element keeps what the execution service needs to mount it,
-- resolved when the binding was made (warehouse versions and saved working directories are
-- immutable): {mountPath, sourceKind, sourceId, version, executionId, storagePath, totalBytes,
-- workdirPath, bytes}.
CREATE TABLE gear (
    id               VARCHAR(36)  PRIMARY KEY,
    owner_id         VARCHAR(200) NOT NULL,
    name             VARCHAR(100) NOT NULL,
    compute_spec_id  VARCHAR(64)  NOT NULL REFERENCES compute_spec (id),
    image_id         VARCHAR(64)  NOT NULL REFERENCES runtime_image (id),
    bindings         JSONB        NOT NULL DEFAULT '{"items": []}'::jsonb,
    revision         INT          NOT NULL DEFAULT 1,
    created_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE INDEX gear_owner_created ON gear (owner_id, created_at DESC, id);
-- Which gears bind a given source (for a warehouse deletion to find them later).
CREATE INDEX gear_bindings ON gear USING GIN (bindings jsonb_path_ops);

-- Executions as learnt from execution-events (queued/started -> active, succeeded/failed/stopped
-- -> ended). An ended execution stays as a tombstone so that a late or redelivered start of it
-- cannot make it active again.
CREATE TABLE gear_execution (
    execution_id  VARCHAR(200) PRIMARY KEY,
    gear_id       VARCHAR(200) NOT NULL,
    owner_id      VARCHAR(200) NOT NULL,
    active        BOOLEAN      NOT NULL,
    updated_at    TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE INDEX gear_execution_active ON gear_execution (gear_id) WHERE active;
