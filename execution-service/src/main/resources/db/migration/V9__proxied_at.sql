-- When a workspace was last used through the proxy of any instance of the service (WorkspaceActivity saves it every
-- few seconds): the idle policy runs on the leader only, and the request may have passed through another instance.
ALTER TABLE execution ADD COLUMN proxied_at TIMESTAMPTZ;
