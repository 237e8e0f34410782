-- State history for issue 14's moves (V009 records every transition): a time limit's stop request
-- says so and is the scheduler's doing, not a user's cancel; a retry (running -> queued, the one
-- backward move) says which attempt comes next and why the last one failed.
CREATE OR REPLACE FUNCTION job_events_upd() RETURNS trigger AS $$
BEGIN
  INSERT INTO job_events (job_id, at, from_status, to_status, reason, by)
  SELECT n.job_id,
    CASE WHEN n.status = o.status THEN clock_timestamp()
         WHEN n.status = 'running' THEN coalesce(n.started_at, clock_timestamp())
         WHEN n.status IN ('success', 'failed', 'canceled') THEN coalesce(n.finished_at, clock_timestamp())
         ELSE clock_timestamp() END,
    o.status, n.status,
    coalesce(job_events_setting('trainyard.reason'), CASE
      WHEN n.status = o.status AND n.stop_reason = 'timeout' THEN
        'time limit of ' || (n.params->>'timeout_seconds') || ' s reached'
      WHEN n.status = o.status THEN 'cancel requested'
      WHEN n.status = 'queued' AND o.status = 'running' THEN
        'retry ' || n.attempt || ' of ' || (1 + coalesce((n.params->>'max_retries')::int, 0)) || ' after: '
          || coalesce(n.attempts -> -1 ->> 'error', 'a failure')
      WHEN n.status = 'running' AND n.provider = 'local' AND n.job_type <> 'sweep' THEN 'started on node ' || n.node_id
      WHEN n.status = 'running' THEN 'started'
      WHEN n.status IN ('failed', 'canceled') THEN coalesce(n.error, n.status)
      WHEN n.status = 'success' AND n.exit_code IS NOT NULL THEN 'exited with code ' || n.exit_code
      ELSE n.status END),
    coalesce(job_events_setting('trainyard.by'), CASE
      WHEN n.provider <> 'local' THEN 'provider:' || n.provider
      WHEN n.job_type = 'sweep' THEN 'sweep'
      WHEN n.status = o.status AND n.stop_reason = 'timeout' THEN 'scheduler'
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
