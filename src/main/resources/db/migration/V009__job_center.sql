-- The job center (issue 15): search, sorting, and every job's state history.

-- Search: one lower-cased text per job (its id, its parameters as key=value, its error), kept in a
-- stored generated column and indexed by trigrams, so `q` finds a substring among a million jobs
-- without scanning them. Stored rather than an expression index: the index's recheck and a broad
-- term's matches then read a column instead of re-running the function per row (measured: 270 ms
-- against a few ms for 4,000 matches). Declared IMMUTABLE (it only reads its arguments).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE FUNCTION job_search_text(id TEXT, params JSONB, error TEXT) RETURNS TEXT AS $$
  SELECT lower(id || ' ' || coalesce((SELECT string_agg(e.key || '=' || e.value, ' ')
                                      FROM jsonb_each_text(params) e), '') || ' ' || coalesce(error, ''))
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;

ALTER TABLE jobs ADD COLUMN search_text TEXT GENERATED ALWAYS AS (job_search_text(job_id, params, error)) STORED;
CREATE INDEX jobs_search ON jobs USING gin (search_text gin_trgm_ops);
-- `name=value` terms match parameters exactly (numbers by value: lr=1e-3 finds 0.001).
CREATE INDEX jobs_params ON jobs USING gin (params jsonb_path_ops);

-- Sorting: the lifecycle order of statuses (not the alphabet), and one index per sort key for the
-- admin (all jobs) and per owner, so a sorted first page reads only its rows.
CREATE FUNCTION job_status_rank(s TEXT) RETURNS INT AS $$
  SELECT CASE s WHEN 'pending' THEN 0 WHEN 'queued' THEN 1 WHEN 'running' THEN 2 WHEN 'success' THEN 3
    WHEN 'failed' THEN 4 WHEN 'canceled' THEN 5 ELSE 6 END
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;

CREATE INDEX jobs_sort_started ON jobs(started_at DESC NULLS LAST, job_id DESC);
CREATE INDEX jobs_owner_sort_started ON jobs(owner_user_id, started_at DESC NULLS LAST, job_id DESC);
CREATE INDEX jobs_sort_finished ON jobs(finished_at DESC NULLS LAST, job_id DESC);
CREATE INDEX jobs_owner_sort_finished ON jobs(owner_user_id, finished_at DESC NULLS LAST, job_id DESC);
CREATE INDEX jobs_sort_status ON jobs(job_status_rank(status) DESC, job_id DESC);
CREATE INDEX jobs_owner_sort_status ON jobs(owner_user_id, job_status_rank(status) DESC, job_id DESC);
CREATE INDEX jobs_sort_priority ON jobs(priority DESC, job_id DESC);
CREATE INDEX jobs_owner_sort_priority ON jobs(owner_user_id, priority DESC, job_id DESC);

-- State history. Written by statement-level triggers from the transition tables of the ledger's own
-- statements, so every transition (including ones added later) is recorded in its transaction, a
-- 1,000-job batch costs one extra INSERT ... SELECT, and nothing but the ledger writes jobs.status.
-- A transition may name its reason and actor with transaction-local settings (set_config(...,
-- true)): trainyard.reason, trainyard.by; otherwise both are derived from the row.
CREATE TABLE job_events (
  id          BIGSERIAL PRIMARY KEY,
  job_id      TEXT NOT NULL REFERENCES jobs(job_id) ON DELETE CASCADE,
  at          TIMESTAMPTZ NOT NULL,
  from_status TEXT,
  to_status   TEXT NOT NULL,
  reason      TEXT,
  by          TEXT NOT NULL
);
CREATE INDEX job_events_job ON job_events(job_id, id);

CREATE FUNCTION job_events_setting(name TEXT) RETURNS TEXT AS $$
  SELECT nullif(current_setting(name, true), '')
$$ LANGUAGE sql STABLE;

CREATE FUNCTION job_events_ins() RETURNS trigger AS $$
BEGIN
  INSERT INTO job_events (job_id, at, from_status, to_status, reason, by)
  SELECT n.job_id, n.created_at, NULL, n.status,
    coalesce(job_events_setting('trainyard.reason'), CASE
      WHEN n.external_id IS NOT NULL AND n.status <> 'pending' THEN 'discovered at ' || n.provider
      WHEN n.provider <> 'local' THEN 'submitted to ' || n.provider
      WHEN n.parent_id IS NOT NULL THEN 'shard of sweep ' || n.parent_id
      WHEN n.status = 'failed' THEN n.error
      ELSE 'submitted' END),
    coalesce(job_events_setting('trainyard.by'), 'user:' || n.owner_user_id)
  FROM new_rows n;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION job_events_upd() RETURNS trigger AS $$
BEGIN
  INSERT INTO job_events (job_id, at, from_status, to_status, reason, by)
  SELECT n.job_id,
    CASE WHEN n.status = o.status THEN clock_timestamp()
         WHEN n.status = 'running' THEN coalesce(n.started_at, clock_timestamp())
         WHEN n.status IN ('success', 'failed', 'canceled') THEN coalesce(n.finished_at, clock_timestamp())
         ELSE clock_timestamp() END,
    o.status, n.status,
    coalesce(job_events_setting('trainyard.reason'), CASE
      WHEN n.status = o.status THEN 'cancel requested'
      WHEN n.status = 'running' AND n.provider = 'local' AND n.job_type <> 'sweep' THEN 'started on node ' || n.node_id
      WHEN n.status = 'running' THEN 'started'
      WHEN n.status IN ('failed', 'canceled') THEN coalesce(n.error, n.status)
      WHEN n.status = 'success' AND n.exit_code IS NOT NULL THEN 'exited with code ' || n.exit_code
      ELSE n.status END),
    coalesce(job_events_setting('trainyard.by'), CASE
      WHEN n.provider <> 'local' THEN 'provider:' || n.provider
      WHEN n.job_type = 'sweep' THEN 'sweep'
      WHEN n.status = o.status OR (n.status = 'canceled' AND n.cancel_requested) THEN 'user'
      WHEN n.status = 'running' THEN 'scheduler'
      WHEN o.status = 'queued' THEN 'dependency'
      ELSE 'supervisor' END)
  FROM new_rows n JOIN old_rows o ON o.job_id = n.job_id
  WHERE n.status <> o.status
     -- A cancel request on a running job is not a status change, but belongs in its history.
     OR (n.status = 'running' AND n.cancel_requested AND NOT o.cancel_requested);
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER jobs_events_ins AFTER INSERT ON jobs REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION job_events_ins();
CREATE TRIGGER jobs_events_upd AFTER UPDATE ON jobs REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION job_events_upd();

-- Jobs from before the history: what their timestamps tell.
INSERT INTO job_events (job_id, at, from_status, to_status, reason, by)
SELECT job_id, created_at, NULL, CASE WHEN started_at IS NULL AND status NOT IN ('queued', 'pending') THEN status
                                      WHEN provider <> 'local' THEN 'pending' ELSE 'queued' END,
       'recorded before history was kept', 'user:' || owner_user_id FROM jobs;
INSERT INTO job_events (job_id, at, from_status, to_status, reason, by)
SELECT job_id, started_at, CASE WHEN provider <> 'local' THEN 'pending' ELSE 'queued' END, 'running',
       'recorded before history was kept', 'ledger' FROM jobs WHERE started_at IS NOT NULL;
INSERT INTO job_events (job_id, at, from_status, to_status, reason, by)
SELECT job_id, finished_at, CASE WHEN started_at IS NULL THEN 'queued' ELSE 'running' END, status,
       coalesce(error, 'recorded before history was kept'), 'ledger'
FROM jobs WHERE finished_at IS NOT NULL AND started_at IS NOT NULL AND status IN ('success', 'failed', 'canceled');

-- Rerun lineage: which job a rerun was made from (the source may be deleted later, so no foreign key
-- on it). Written after the rerun's own insert committed (jobs/Reruns), outside the ledger.
CREATE TABLE job_reruns (
  job_id   TEXT PRIMARY KEY REFERENCES jobs(job_id) ON DELETE CASCADE,
  rerun_of TEXT NOT NULL
);
CREATE INDEX job_reruns_of ON job_reruns(rerun_of);
