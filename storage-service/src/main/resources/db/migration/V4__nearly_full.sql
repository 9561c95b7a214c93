-- nearly_full remembers that usage was last seen at or above hyperai.storage.nearly-full-ratio of the quota, so
-- storage.quota.nearly-full is published once per upward crossing (re-armed below the ratio).
ALTER TABLE storage_quota ADD COLUMN nearly_full BOOLEAN NOT NULL DEFAULT FALSE;
