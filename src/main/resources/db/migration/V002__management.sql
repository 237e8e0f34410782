-- Job management at scale: live counts, daily analytics rollups, templates.

-- Counts per (owner, status, type, provider, archived), kept by triggers, so /api/jobs/counts and list
-- totals never scan the jobs table.
CREATE TABLE job_counts (
  owner_user_id BIGINT NOT NULL,
  status        TEXT NOT NULL,
  job_type      TEXT NOT NULL,
  provider      TEXT NOT NULL,
  archived      BOOLEAN NOT NULL,
  n             BIGINT NOT NULL,
  PRIMARY KEY (owner_user_id, status, job_type, provider, archived)
);

-- Statement-level triggers with transition tables: a statement touching a million jobs (an
-- archive-expired, a bulk load) applies one summed delta per group, instead of updating the same few
-- counter rows once per job (which walks ever longer row-version chains: quadratic).
-- (Transition tables are visible only in the trigger function itself, hence three small twins.)
CREATE FUNCTION job_counts_ins() RETURNS trigger AS $$
BEGIN
  INSERT INTO job_counts AS c (owner_user_id, status, job_type, provider, archived, n)
  SELECT owner_user_id, status, job_type, provider, archived, sum(delta) FROM (
    SELECT owner_user_id, status, job_type, provider, archived_at IS NOT NULL AS archived, 1 AS delta FROM new_rows) x
  GROUP BY 1, 2, 3, 4, 5 HAVING sum(delta) <> 0
  ON CONFLICT (owner_user_id, status, job_type, provider, archived) DO UPDATE SET n = c.n + EXCLUDED.n;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION job_counts_del() RETURNS trigger AS $$
BEGIN
  INSERT INTO job_counts AS c (owner_user_id, status, job_type, provider, archived, n)
  SELECT owner_user_id, status, job_type, provider, archived, sum(delta) FROM (
    SELECT owner_user_id, status, job_type, provider, archived_at IS NOT NULL AS archived, -1 AS delta FROM old_rows) x
  GROUP BY 1, 2, 3, 4, 5 HAVING sum(delta) <> 0
  ON CONFLICT (owner_user_id, status, job_type, provider, archived) DO UPDATE SET n = c.n + EXCLUDED.n;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION job_counts_upd() RETURNS trigger AS $$
BEGIN
  INSERT INTO job_counts AS c (owner_user_id, status, job_type, provider, archived, n)
  SELECT owner_user_id, status, job_type, provider, archived, sum(delta) FROM (
    SELECT owner_user_id, status, job_type, provider, archived_at IS NOT NULL AS archived, -1 AS delta FROM old_rows
    -- Unchanged rows add -1 and +1 to the same group and drop out in HAVING.
    UNION ALL SELECT owner_user_id, status, job_type, provider, archived_at IS NOT NULL, 1 FROM new_rows) x
  GROUP BY 1, 2, 3, 4, 5 HAVING sum(delta) <> 0
  ON CONFLICT (owner_user_id, status, job_type, provider, archived) DO UPDATE SET n = c.n + EXCLUDED.n;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER jobs_counts_ins AFTER INSERT ON jobs REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION job_counts_ins();
CREATE TRIGGER jobs_counts_del AFTER DELETE ON jobs REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION job_counts_del();
CREATE TRIGGER jobs_counts_upd AFTER UPDATE ON jobs REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION job_counts_upd();

INSERT INTO job_counts
  SELECT owner_user_id, status, job_type, provider, archived_at IS NOT NULL, count(*)
  FROM jobs GROUP BY 1, 2, 3, 4, 5;

-- Daily rollups for analytics, by submission day (UTC). Run and queue-wait times go into log-spaced
-- histograms (bucket i covers 0.01 s * 1.12^(i-1) .. 0.01 s * 1.12^i), so percentiles over any
-- window are read from a few hundred small rows instead of a million jobs (accurate to ~6%).
CREATE TABLE job_daily (
  day           DATE NOT NULL,
  owner_user_id BIGINT NOT NULL,
  job_type      TEXT NOT NULL,
  submitted     INT NOT NULL DEFAULT 0,
  success       INT NOT NULL DEFAULT 0,
  failed        INT NOT NULL DEFAULT 0,
  canceled      INT NOT NULL DEFAULT 0,
  run_hist      INT[] NOT NULL DEFAULT array_fill(0, ARRAY[160]),
  wait_hist     INT[] NOT NULL DEFAULT array_fill(0, ARRAY[160]),
  PRIMARY KEY (day, owner_user_id, job_type)
);

-- job_counts and job_daily are small and updated on every job change: leave room on each page for
-- in-place (HOT) updates and vacuum them after a fixed number of changes, not a fraction of a tiny table.
ALTER TABLE job_counts SET (fillfactor = 50, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000);
ALTER TABLE job_daily SET (fillfactor = 50, autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000);

CREATE FUNCTION job_hist_bucket(secs DOUBLE PRECISION) RETURNS INT AS $$
  SELECT LEAST(160, GREATEST(1, 1 + floor(ln(GREATEST(secs, 0.01) / 0.01) / ln(1.12))::int))
$$ LANGUAGE sql IMMUTABLE;

CREATE FUNCTION int_array_add(a INT[], b INT[]) RETURNS INT[] AS $$
  SELECT array_agg(coalesce(x, 0) + coalesce(y, 0) ORDER BY i) FROM unnest(a, b) WITH ORDINALITY AS t(x, y, i)
$$ LANGUAGE sql IMMUTABLE;

-- Histogram of one group's values (already bucketed) as a 160-slot array.
CREATE FUNCTION job_hist(buckets INT[]) RETURNS INT[] AS $$
  SELECT array_agg(coalesce(x.c, 0)::int ORDER BY i)
  FROM generate_series(1, 160) i LEFT JOIN (SELECT b, count(*) AS c FROM unnest(buckets) b GROUP BY b) x ON x.b = i
$$ LANGUAGE sql IMMUTABLE;

-- Each change is applied to the owner's row and to the all-users row (owner_user_id 0), so an admin's
-- analytics read as few rows as a user's, however many users there are. Statement-level, like the
-- counts: one summed delta per (day, owner, type).
CREATE FUNCTION job_daily_ins() RETURNS trigger AS $$
BEGIN
  INSERT INTO job_daily AS j (day, owner_user_id, job_type, submitted)
  SELECT (created_at AT TIME ZONE 'UTC')::date, o, job_type, count(*)
  FROM new_rows, LATERAL (VALUES (owner_user_id), (0::bigint)) AS owners(o)
  GROUP BY 1, 2, 3
  ON CONFLICT (day, owner_user_id, job_type) DO UPDATE SET submitted = j.submitted + EXCLUDED.submitted;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION job_daily_fin() RETURNS trigger AS $$
BEGIN
  -- Jobs that moved into a terminal status in this statement (a terminal status never changes again,
  -- so each job counts once).
  INSERT INTO job_daily AS j (day, owner_user_id, job_type, success, failed, canceled, run_hist, wait_hist)
  SELECT day, o, job_type, count(*) FILTER (WHERE status = 'success'), count(*) FILTER (WHERE status = 'failed'),
         count(*) FILTER (WHERE status = 'canceled'),
         job_hist(array_agg(rb) FILTER (WHERE rb IS NOT NULL)), job_hist(array_agg(wb) FILTER (WHERE wb IS NOT NULL))
  FROM (
    SELECT (n.created_at AT TIME ZONE 'UTC')::date AS day, n.owner_user_id, n.job_type, n.status,
      CASE WHEN n.started_at IS NOT NULL AND n.finished_at IS NOT NULL
        THEN job_hist_bucket(extract(epoch FROM n.finished_at - n.started_at)) END AS rb,
      CASE WHEN n.started_at IS NOT NULL AND n.finished_at IS NOT NULL
        THEN job_hist_bucket(extract(epoch FROM n.started_at - n.created_at)) END AS wb
    FROM new_rows n JOIN old_rows o ON o.job_id = n.job_id
    WHERE o.status NOT IN ('success', 'failed', 'canceled') AND n.status IN ('success', 'failed', 'canceled')
  ) f, LATERAL (VALUES (owner_user_id), (0::bigint)) AS owners(o)
  GROUP BY day, o, job_type
  ON CONFLICT (day, owner_user_id, job_type) DO UPDATE SET
    success = j.success + EXCLUDED.success, failed = j.failed + EXCLUDED.failed, canceled = j.canceled + EXCLUDED.canceled,
    run_hist = int_array_add(j.run_hist, EXCLUDED.run_hist), wait_hist = int_array_add(j.wait_hist, EXCLUDED.wait_hist);
  RETURN NULL;
END $$ LANGUAGE plpgsql;

-- A cloud submission the provider refused is removed while still 'pending': it was never submitted.
CREATE FUNCTION job_daily_unsubmit() RETURNS trigger AS $$
BEGIN
  UPDATE job_daily j SET submitted = j.submitted - x.n
  FROM (SELECT (created_at AT TIME ZONE 'UTC')::date AS day, o, job_type, count(*) AS n
        FROM old_rows, LATERAL (VALUES (owner_user_id), (0::bigint)) AS owners(o)
        WHERE status = 'pending' GROUP BY 1, 2, 3) x
  WHERE j.day = x.day AND j.owner_user_id = x.o AND j.job_type = x.job_type;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER jobs_daily_ins AFTER INSERT ON jobs REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION job_daily_ins();
CREATE TRIGGER jobs_daily_fin AFTER UPDATE ON jobs REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION job_daily_fin();
CREATE TRIGGER jobs_daily_unsubmit AFTER DELETE ON jobs REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION job_daily_unsubmit();

-- A sweep parent's status summarizes its shards.
CREATE FUNCTION sweep_parent_trg() RETURNS trigger AS $$
DECLARE
  total INT; queued INT; active INT; ok INT;
  p_cancel BOOLEAN;
  next_status TEXT;
BEGIN
  -- Shards finishing at once run this in separate transactions; without the lock each would count the
  -- other as still active and the parent would stay 'running'. After the wait, the next statement's
  -- snapshot sees the sibling's commit.
  PERFORM 1 FROM jobs WHERE job_id = NEW.parent_id FOR UPDATE;
  SELECT count(*), count(*) FILTER (WHERE status = 'queued'), count(*) FILTER (WHERE status IN ('queued', 'running', 'pending')),
         count(*) FILTER (WHERE status = 'success')
    INTO total, queued, active, ok FROM jobs WHERE parent_id = NEW.parent_id;
  SELECT cancel_requested INTO p_cancel FROM jobs WHERE job_id = NEW.parent_id;
  next_status := CASE
    WHEN total = queued THEN 'queued'
    WHEN active > 0 THEN 'running'
    WHEN ok = total THEN 'success'
    WHEN p_cancel THEN 'canceled'
    ELSE 'failed' END;
  UPDATE jobs SET status = next_status, updated_at = clock_timestamp(),
    started_at = coalesce(started_at, CASE WHEN next_status <> 'queued' THEN clock_timestamp() END),
    finished_at = CASE WHEN next_status IN ('success', 'failed', 'canceled') THEN clock_timestamp() END,
    progress = CASE WHEN total > 0 THEN round(100.0 * (total - active) / total, 1) END
  WHERE job_id = NEW.parent_id AND status NOT IN ('success', 'failed', 'canceled') AND status <> next_status;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER jobs_sweep_parent AFTER UPDATE OF status ON jobs FOR EACH ROW
  WHEN (NEW.parent_id IS NOT NULL AND OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION sweep_parent_trg();

CREATE INDEX jobs_parent ON jobs(parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX jobs_depends_on ON jobs(depends_on) WHERE depends_on IS NOT NULL;
CREATE INDEX jobs_updated_unarchived ON jobs(owner_user_id, updated_at) WHERE archived_at IS NULL;

CREATE TABLE templates (
  template_id   TEXT PRIMARY KEY,
  owner_user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  job_type      TEXT NOT NULL,
  params        JSONB NOT NULL,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (owner_user_id, name)
);
