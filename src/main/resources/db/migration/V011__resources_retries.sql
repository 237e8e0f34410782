-- Jobs that say what they need (issue 14). What a job asks for (resources, time limit, retries) is
-- part of its params, as submitted; what it was given and what happened to it are columns.

-- The GPU device ids the claim assigned; held while the job runs (its process group has not exited).
ALTER TABLE jobs ADD COLUMN assigned_gpus TEXT[] NOT NULL DEFAULT '{}';
-- 1-based; a retry queues the same job again as its next attempt.
ALTER TABLE jobs ADD COLUMN attempt INT NOT NULL DEFAULT 1;
-- One entry per finished attempt: {attempt, started_at, finished_at, exit_code, error}.
ALTER TABLE jobs ADD COLUMN attempts JSONB NOT NULL DEFAULT '[]';
-- A queued retry does not start before this (its backoff).
ALTER TABLE jobs ADD COLUMN not_before TIMESTAMPTZ;
-- Why the server is stopping a running job when it is not a user's cancel: 'timeout'.
ALTER TABLE jobs ADD COLUMN stop_reason TEXT;

-- The owning node's tick finds its running jobs past their time limit among few rows.
CREATE INDEX jobs_running_limited ON jobs(node_id, started_at)
  WHERE status = 'running' AND params ? 'timeout_seconds';
