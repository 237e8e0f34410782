-- Cluster membership as PostgreSQL sees it (issue 10). Every node keeps its row fresh (heartbeat);
-- survivors mark a node whose heartbeat stopped 'lost' and settle its running jobs in the same
-- transaction. 'draining' stops the node's start decisions (the claim reads this row).
CREATE TABLE cluster_nodes (
  node_id           TEXT PRIMARY KEY,
  state             TEXT NOT NULL DEFAULT 'up' CHECK (state IN ('up', 'draining', 'lost')),
  -- The process instance holding the id now: a random token per start.
  instance          TEXT NOT NULL,
  -- The Hazelcast member id ('' without a cluster), to follow membership events.
  member_id         TEXT NOT NULL DEFAULT '',
  capacity          INT NOT NULL,
  version           TEXT NOT NULL,
  -- Where this node keeps job files (<data>/artifacts/jobs): a job it claims runs, and logs, there,
  -- whichever node took the submission.
  jobs_dir          TEXT,
  started_at        TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  last_heartbeat_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  lost_at           TIMESTAMPTZ
);

