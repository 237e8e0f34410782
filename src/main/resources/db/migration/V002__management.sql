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

CREATE FUNCTION job_counts_apply(o BIGINT, s TEXT, t TEXT, p TEXT, a BOOLEAN, delta INT) RETURNS void AS $$
BEGIN
  INSERT INTO job_counts AS c VALUES (o, s, t, p, a, delta)
  ON CONFLICT (owner_user_id, status, job_type, provider, archived) DO UPDATE SET n = c.n + delta;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION job_counts_trg() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM job_counts_apply(OLD.owner_user_id, OLD.status, OLD.job_type, OLD.provider, OLD.archived_at IS NOT NULL, -1);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM job_counts_apply(NEW.owner_user_id, NEW.status, NEW.job_type, NEW.provider, NEW.archived_at IS NOT NULL, 1);
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER jobs_counts_insdel AFTER INSERT OR DELETE ON jobs
  FOR EACH ROW EXECUTE FUNCTION job_counts_trg();
CREATE TRIGGER jobs_counts_upd AFTER UPDATE ON jobs
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
    OR (OLD.archived_at IS NULL) IS DISTINCT FROM (NEW.archived_at IS NULL))
  EXECUTE FUNCTION job_counts_trg();

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

-- Each change is applied to the owner's row and to the all-users row (owner_user_id 0), so an admin's
-- analytics read as few rows as a user's, however many users there are.
CREATE FUNCTION job_daily_trg() RETURNS trigger AS $$
DECLARE
  d DATE := (NEW.created_at AT TIME ZONE 'UTC')::date;
  rb INT;
  wb INT;
  o BIGINT;
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.started_at IS NOT NULL AND NEW.finished_at IS NOT NULL THEN
    rb := job_hist_bucket(extract(epoch FROM NEW.finished_at - NEW.started_at));
    wb := job_hist_bucket(extract(epoch FROM NEW.started_at - NEW.created_at));
  END IF;
  FOREACH o IN ARRAY ARRAY[NEW.owner_user_id, 0] LOOP
    IF TG_OP = 'INSERT' THEN
      INSERT INTO job_daily AS j (day, owner_user_id, job_type, submitted) VALUES (d, o, NEW.job_type, 1)
      ON CONFLICT (day, owner_user_id, job_type) DO UPDATE SET submitted = j.submitted + 1;
      CONTINUE;
    END IF;
    -- UPDATE into a terminal status (a terminal status never changes again, so this counts once).
    INSERT INTO job_daily AS j (day, owner_user_id, job_type) VALUES (d, o, NEW.job_type)
    ON CONFLICT (day, owner_user_id, job_type) DO NOTHING;
    UPDATE job_daily SET
      success = success + (NEW.status = 'success')::int,
      failed = failed + (NEW.status = 'failed')::int,
      canceled = canceled + (NEW.status = 'canceled')::int
    WHERE day = d AND owner_user_id = o AND job_type = NEW.job_type;
    IF rb IS NOT NULL THEN
      UPDATE job_daily SET run_hist[rb] = run_hist[rb] + 1, wait_hist[wb] = wait_hist[wb] + 1
      WHERE day = d AND owner_user_id = o AND job_type = NEW.job_type;
    END IF;
  END LOOP;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER jobs_daily_ins AFTER INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION job_daily_trg();

-- A cloud submission the provider refused is removed while still 'pending': it was never submitted.
CREATE FUNCTION job_daily_unsubmit_trg() RETURNS trigger AS $$
BEGIN
  UPDATE job_daily SET submitted = submitted - 1
  WHERE day = (OLD.created_at AT TIME ZONE 'UTC')::date AND owner_user_id IN (OLD.owner_user_id, 0)
    AND job_type = OLD.job_type;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER jobs_daily_unsubmit AFTER DELETE ON jobs FOR EACH ROW WHEN (OLD.status = 'pending')
  EXECUTE FUNCTION job_daily_unsubmit_trg();
CREATE TRIGGER jobs_daily_fin AFTER UPDATE OF status ON jobs FOR EACH ROW
  WHEN (OLD.status NOT IN ('success', 'failed', 'canceled') AND NEW.status IN ('success', 'failed', 'canceled'))
  EXECUTE FUNCTION job_daily_trg();

-- A sweep parent's status summarizes its shards.
CREATE FUNCTION sweep_parent_trg() RETURNS trigger AS $$
DECLARE
  total INT; queued INT; active INT; ok INT;
  p_cancel BOOLEAN;
  next_status TEXT;
BEGIN
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
