-- Trainyard schema, version 1: users and their tokens, jobs, models, results.

CREATE TABLE users (
  id            BIGSERIAL PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  is_admin      BOOLEAN NOT NULL DEFAULT false,
  schedule_mode TEXT NOT NULL DEFAULT 'serial' CHECK (schedule_mode IN ('serial', 'parallel')),
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- A token is "<id>.<secret>"; only a salted hash of the secret is kept.
CREATE TABLE tokens (
  id          TEXT PRIMARY KEY,
  user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  salt        BYTEA NOT NULL,
  secret_hash BYTEA NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  expires_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX tokens_user ON tokens(user_id);

CREATE TABLE jobs (
  job_id          TEXT PRIMARY KEY,
  job_type        TEXT NOT NULL,
  provider        TEXT NOT NULL DEFAULT 'local',
  status          TEXT NOT NULL,
  owner_user_id   BIGINT NOT NULL REFERENCES users(id),
  params          JSONB NOT NULL DEFAULT '{}',
  priority        INTEGER NOT NULL DEFAULT 0,
  depends_on      TEXT,
  parent_id       TEXT,
  cancel_requested BOOLEAN NOT NULL DEFAULT false,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  started_at      TIMESTAMPTZ,
  finished_at     TIMESTAMPTZ,
  updated_at      TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  archived_at     TIMESTAMPTZ,
  pid             INTEGER,
  pid_start       BIGINT,
  node_id         TEXT,
  exit_code       INTEGER,
  error           TEXT,
  log_path        TEXT,
  artifacts_dir   TEXT,
  stage           TEXT,
  progress        DOUBLE PRECISION,
  eta_seconds     BIGINT,
  last_log        TEXT,
  model_id        TEXT,
  result_id       TEXT,
  result_summary  JSONB,
  external_id     TEXT,
  cost_usd        DOUBLE PRECISION,
  hardware        TEXT
);
-- Newest-first listing, per owner and overall.
CREATE INDEX jobs_owner_created ON jobs(owner_user_id, created_at DESC, job_id DESC);
CREATE INDEX jobs_created ON jobs(created_at DESC, job_id DESC);
-- The scheduler only ever looks at active jobs; keep that index small.
CREATE INDEX jobs_active ON jobs(owner_user_id, priority DESC, created_at) WHERE status IN ('queued', 'running');
CREATE INDEX jobs_running_node ON jobs(node_id) WHERE status = 'running';

CREATE TABLE models (
  model_id      TEXT PRIMARY KEY,
  job_id        TEXT NOT NULL,
  owner_user_id BIGINT NOT NULL REFERENCES users(id),
  path          TEXT NOT NULL,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  metrics       JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX models_owner ON models(owner_user_id, created_at DESC);
CREATE INDEX models_job ON models(job_id);

CREATE TABLE results (
  result_id     TEXT PRIMARY KEY,
  job_id        TEXT NOT NULL,
  model_id      TEXT,
  owner_user_id BIGINT NOT NULL REFERENCES users(id),
  path          TEXT NOT NULL,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  rows          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX results_owner ON results(owner_user_id, created_at DESC);
CREATE INDEX results_job ON results(job_id);
