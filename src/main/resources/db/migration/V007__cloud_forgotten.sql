-- Provider jobs whose local job was deleted. A sync imports provider jobs that no local job has; without
-- this, any user's next sync would bring back (as their own) a cloud job another user deleted.
CREATE TABLE cloud_forgotten (
  provider    TEXT NOT NULL,
  external_id TEXT NOT NULL,
  deleted_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, external_id)
);

CREATE FUNCTION cloud_forgotten_keep() RETURNS trigger AS $$
BEGIN
  INSERT INTO cloud_forgotten(provider, external_id) VALUES (OLD.provider, OLD.external_id) ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

-- Row-level with a WHEN clause: deleting local jobs (no external id) costs nothing more.
CREATE TRIGGER jobs_cloud_forgotten AFTER DELETE ON jobs
  FOR EACH ROW WHEN (OLD.external_id IS NOT NULL) EXECUTE FUNCTION cloud_forgotten_keep();
