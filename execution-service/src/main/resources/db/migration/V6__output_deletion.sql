-- A saved working directory its owner deleted: its bytes no longer count, it can no longer be read or bound.
ALTER TABLE execution ADD COLUMN workdir_deleted_at TIMESTAMPTZ;
