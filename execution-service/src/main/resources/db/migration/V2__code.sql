-- Uploaded code; an execution copies it into its home at start.
CREATE TABLE code_upload (
    id          UUID         PRIMARY KEY,
    owner_id    VARCHAR(200) NOT NULL,
    total_bytes BIGINT       NOT NULL,
    files       TEXT         NOT NULL,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX code_upload_owner ON code_upload (owner_id, created_at DESC);
