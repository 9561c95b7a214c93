-- Public datasets and models: anyone may list, read and bind their versions, which count against the owner only.
-- A public item is also named by its handle, <owner name>/<name>, unique per kind among public items.
ALTER TABLE warehouse_item ADD COLUMN visibility VARCHAR(16) NOT NULL DEFAULT 'PRIVATE'
    CHECK (visibility IN ('PRIVATE', 'PUBLIC'));
ALTER TABLE warehouse_item ADD COLUMN owner_name VARCHAR(200);
-- comma-separated, each [a-z0-9-]; searched as ',' || tags || ','
ALTER TABLE warehouse_item ADD COLUMN tags VARCHAR(400) NOT NULL DEFAULT '';
CREATE UNIQUE INDEX warehouse_item_public_handle ON warehouse_item (kind, owner_name, name) WHERE visibility = 'PUBLIC';
CREATE INDEX warehouse_item_public ON warehouse_item (kind, lower(name)) WHERE visibility = 'PUBLIC';
