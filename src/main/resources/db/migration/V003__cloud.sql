-- Cloud jobs (providers): what the provider last said, the grace clock for statuses we do not know,
-- a watermark so an older copy of a job's logs never overwrites a newer one, the webhook replay guard
-- and the lease that lets one node of a cluster poll at a time.

-- The provider's own status word ('starting', 'processing', ... or something new).
ALTER TABLE jobs ADD COLUMN provider_status TEXT;
-- Set while the provider reports a status we cannot map; the job fails once this is older than the grace.
ALTER TABLE jobs ADD COLUMN unknown_since TIMESTAMPTZ;
-- UTF-8 length of the provider logs last applied; provider logs only grow, so shorter = older.
ALTER TABLE jobs ADD COLUMN provider_log_bytes BIGINT;

-- One local job per provider job: sync and webhooks look jobs up by it, and concurrent syncs cannot
-- import the same provider job twice.
CREATE UNIQUE INDEX jobs_provider_external ON jobs(provider, external_id) WHERE external_id IS NOT NULL;
-- The poller pages through active cloud jobs by job_id.
CREATE INDEX jobs_cloud_active ON jobs(provider, job_id)
  WHERE provider <> 'local' AND status IN ('pending', 'queued', 'running');

-- Webhook ids already applied, so a replayed delivery is ignored on every node and after restarts.
-- Deliveries older than the 5 minute signature tolerance cannot be replayed anyway; old rows are pruned.
CREATE TABLE webhook_deliveries (
  provider    TEXT NOT NULL,
  webhook_id  TEXT NOT NULL,
  received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, webhook_id)
);
CREATE INDEX webhook_deliveries_received ON webhook_deliveries(received_at);

-- At most one node polls the providers at a time; a lease that is not renewed expires.
CREATE TABLE provider_poll_lease (
  name       TEXT PRIMARY KEY,
  holder     TEXT NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL
);
