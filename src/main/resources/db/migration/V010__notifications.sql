-- Notification endpoints and their deliveries (issue 14). A job's terminal transition enqueues one
-- delivery per matching endpoint of its owner in the same transaction as the transition, so an event
-- is neither lost (it commits with the status) nor enqueued twice (the unique key), whichever node or
-- code path made the transition. Senders on every node take due deliveries with SKIP LOCKED leases.

CREATE TABLE notification_endpoints (
  id            BIGSERIAL PRIMARY KEY,
  endpoint_id   TEXT NOT NULL UNIQUE,
  owner_user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  url           TEXT NOT NULL,
  -- job.succeeded, job.failed, job.canceled
  events        TEXT[] NOT NULL,
  -- The signing key, encrypted with the server's key (data dir); needed in clear to sign, never shown again.
  secret_sealed TEXT NOT NULL,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX notification_endpoints_owner ON notification_endpoints(owner_user_id);

CREATE TABLE notification_deliveries (
  id            BIGSERIAL PRIMARY KEY,
  endpoint_id   BIGINT NOT NULL REFERENCES notification_endpoints(id) ON DELETE CASCADE,
  job_id        TEXT NOT NULL,
  event         TEXT NOT NULL,
  -- The job as it was when the event happened (the job may be deleted before the delivery succeeds).
  job_status    TEXT NOT NULL,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  next_at       TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  attempts      INT NOT NULL DEFAULT 0,
  delivered_at  TIMESTAMPTZ,
  given_up_at   TIMESTAMPTZ,
  last_status   INT,
  last_error    TEXT,
  UNIQUE (endpoint_id, job_id, event)
);
CREATE INDEX notification_deliveries_due ON notification_deliveries(next_at)
  WHERE delivered_at IS NULL AND given_up_at IS NULL;

CREATE FUNCTION notification_event(status TEXT) RETURNS TEXT AS $$
  SELECT CASE status WHEN 'success' THEN 'job.succeeded' WHEN 'failed' THEN 'job.failed'
                     WHEN 'canceled' THEN 'job.canceled' END
$$ LANGUAGE sql IMMUTABLE;

-- Statement-level with transition tables, like the counters: one join per statement, and nothing at
-- all while no endpoint exists (the EXISTS is checked first).
CREATE FUNCTION notifications_enqueue_upd() RETURNS trigger AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM notification_endpoints) THEN
    INSERT INTO notification_deliveries(endpoint_id, job_id, event, job_status)
    SELECT e.id, n.job_id, notification_event(n.status), n.status
      FROM new_rows n JOIN old_rows o USING (job_id)
      JOIN notification_endpoints e ON e.owner_user_id = n.owner_user_id
     WHERE n.status IN ('success', 'failed', 'canceled') AND o.status IS DISTINCT FROM n.status
       AND notification_event(n.status) = ANY (e.events)
    ORDER BY e.id, n.job_id
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION notifications_enqueue_ins() RETURNS trigger AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM notification_endpoints) THEN
    INSERT INTO notification_deliveries(endpoint_id, job_id, event, job_status)
    SELECT e.id, n.job_id, notification_event(n.status), n.status
      FROM new_rows n JOIN notification_endpoints e ON e.owner_user_id = n.owner_user_id
     WHERE n.status IN ('success', 'failed', 'canceled') AND notification_event(n.status) = ANY (e.events)
    ORDER BY e.id, n.job_id
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER jobs_notifications_upd AFTER UPDATE ON jobs REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notifications_enqueue_upd();
CREATE TRIGGER jobs_notifications_ins AFTER INSERT ON jobs REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notifications_enqueue_ins();

-- Retention (issue 14) deletes archived jobs by archiving time; the partial index stays small
-- because only archived jobs are in it.
CREATE INDEX jobs_archived_at ON jobs(archived_at) WHERE archived_at IS NOT NULL;
