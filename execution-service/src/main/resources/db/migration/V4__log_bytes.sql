-- Output is kept as written (it need not be UTF-8, and PostgreSQL text refuses NUL), with the offset in the
-- original output where the kept tail begins.
ALTER TABLE execution_log ALTER COLUMN content TYPE BYTEA USING convert_to(content, 'UTF8');
ALTER TABLE execution_log ADD COLUMN kept_from BIGINT NOT NULL DEFAULT 0;
