package io.trainyard.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The SQL of {@link JobLedger}: the only statements that write {@code jobs.status}. Every status guard
 * here is generated from {@link JobStatus#canMoveTo}, so the lifecycle rule lives in one place.
 */
final class LedgerSql {
  private LedgerSql() {
  }

  static final String ACTIVE = JobStatus.sql(JobStatus.active());
  static final String TERMINAL = JobStatus.sql(JobStatus.terminal());

  /** Every legal (from, to) pair as a SQL row list, for guards on a status given as a parameter. */
  static final String LEGAL_MOVES = legalMoves();

  private static String legalMoves() {
    List<String> pairs = new ArrayList<>();
    for (JobStatus a : JobStatus.values()) {
      for (JobStatus b : JobStatus.values()) {
        if (a.canMoveTo(b)) {
          pairs.add("('" + a.wire() + "', '" + b.wire() + "')");
        }
      }
    }
    return pairs.stream().collect(Collectors.joining(", ", "(", ")"));
  }

  static final String INSERT_QUEUED = """
      INSERT INTO jobs(job_id, job_type, provider, status, owner_user_id, params, priority, depends_on,
                       parent_id, log_path, artifacts_dir)
      SELECT id, type, 'local', 'queued', owner, params, priority, dep, parent, log, dir
      FROM unnest($1::text[], $2::text[], $3::bigint[], $4::jsonb[], $5::int[], $6::text[], $7::text[], $8::text[],
                  $9::text[]) AS n(id, type, owner, params, priority, dep, parent, log, dir)""";

  /**
   * Newly queued jobs ($1) as {@link JobRepository#SELECT} reads them, queue columns included, at a
   * cost that does not multiply with the batch: counting each new job's place one by one made reading
   * back 1,000 jobs behind a long queue take seconds. Here a job's place is computed per group of
   * the batch (owner and priority, usually one): the owner's queued jobs that start before the
   * group's first new job are counted once ({@code ahead}; materialized so the counts are not rerun
   * per row), and from that job on the group's queue (the new jobs, and any a concurrent submission
   * slipped in) is ranked in start order. Running counts are computed once.
   */
  static final String READ_QUEUED = """
      WITH fresh AS (SELECT * FROM jobs WHERE job_id = ANY($1)),
      groups AS (
        SELECT owner_user_id, priority, min(created_at) AS since FROM fresh
        WHERE status = 'queued' AND provider = 'local' AND job_type <> 'sweep' GROUP BY owner_user_id, priority),
      ahead AS MATERIALIZED (
        SELECT g.owner_user_id, g.priority, g.since,
          (SELECT count(*) FROM jobs q WHERE q.owner_user_id = g.owner_user_id AND q.priority > g.priority
             AND q.status = 'queued' AND q.provider = 'local' AND q.job_type <> 'sweep')
          + (SELECT count(*) FROM jobs q WHERE q.owner_user_id = g.owner_user_id AND q.priority = g.priority
             AND q.created_at < g.since AND q.status = 'queued' AND q.provider = 'local' AND q.job_type <> 'sweep') AS n
        FROM groups g),
      ranked AS (
        SELECT q.job_id, a.n + row_number() OVER (PARTITION BY q.owner_user_id, q.priority ORDER BY q.created_at, q.job_id) AS pos
        FROM ahead a JOIN jobs q ON q.owner_user_id = a.owner_user_id AND q.priority = a.priority AND q.created_at >= a.since
        WHERE q.status = 'queued' AND q.provider = 'local' AND q.job_type <> 'sweep'),
      running AS (
        SELECT owner_user_id, count(*) AS n FROM jobs
        WHERE status = 'running' AND provider = 'local' AND job_type <> 'sweep' GROUP BY owner_user_id)
      SELECT f.*, u.schedule_mode AS owner_mode,
        CASE WHEN f.status = 'queued' THEN r.pos END AS queue_position,
        CASE WHEN f.status = 'queued' THEN coalesce((SELECT c.n FROM running c WHERE c.owner_user_id = f.owner_user_id), 0)
          END AS user_running,
        CASE WHEN f.status = 'queued' THEN (SELECT coalesce(sum(c.n), 0) FROM running c)::bigint END AS all_running,
        CASE WHEN f.status = 'queued' AND f.depends_on IS NOT NULL THEN coalesce(d.status, 'missing') END AS dep_status
      FROM fresh f JOIN users u ON u.id = f.owner_user_id
      LEFT JOIN ranked r ON r.job_id = f.job_id
      LEFT JOIN jobs d ON d.job_id = f.depends_on""";

  /** A job whose dependency failed, was canceled or is gone can never start: it fails, saying why. */
  static final String FAIL_DEAD_DEPENDENCIES = """
      UPDATE jobs q SET status = 'failed', finished_at = clock_timestamp(), updated_at = clock_timestamp(),
        error = 'dependency ' || q.depends_on || coalesce(
          (SELECT ' ended ' || d.status FROM jobs d WHERE d.job_id = q.depends_on), ' no longer exists')
      WHERE q.status = 'queued' AND q.depends_on IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM jobs d WHERE d.job_id = q.depends_on AND d.status NOT IN ('failed', 'canceled'))
      RETURNING q.*""";

  static final String RUNNING_ON_NODE = """
      SELECT count(*) FROM jobs WHERE status = 'running' AND provider = 'local' AND node_id = $1
        AND job_type <> 'sweep'""";

  /**
   * The queued jobs to start now, at most $3. rn ranks each user's queue; ordering by (running + rn)
   * first hands a nearly full node to the users holding the fewest slots, so one user's backlog
   * cannot starve the others.
   */
  static final String PICK = """
      WITH ranked AS (
        SELECT q.job_id, q.owner_user_id, q.priority, q.created_at,
               row_number() OVER (PARTITION BY q.owner_user_id ORDER BY q.priority DESC, q.created_at, q.job_id) AS rn
        FROM jobs q WHERE q.status = 'queued' AND q.provider = 'local' AND q.cancel_requested = false
          AND q.job_type <> 'sweep'
          AND (q.depends_on IS NULL OR EXISTS (
            SELECT 1 FROM jobs d WHERE d.job_id = q.depends_on AND d.status = 'success'))),
      running AS (
        SELECT owner_user_id, count(*) AS n FROM jobs
        -- A sweep parent is 'running' while its shards run, but holds no slot itself.
        WHERE status = 'running' AND provider = 'local' AND job_type <> 'sweep' GROUP BY owner_user_id)
      SELECT r.job_id FROM ranked r
      JOIN users u ON u.id = r.owner_user_id
      LEFT JOIN running c ON c.owner_user_id = r.owner_user_id
      WHERE r.rn <= (CASE WHEN u.schedule_mode = 'parallel' THEN $1::int ELSE $2::int END) - coalesce(c.n, 0)
      ORDER BY coalesce(c.n, 0) + r.rn, r.priority DESC, r.created_at, r.job_id
      LIMIT $3::int""";

  /**
   * queued -> running on this node. A predict job that names no model takes the one its train
   * dependency registered, in the same statement.
   */
  static final String START = """
      UPDATE jobs j SET status = 'running', node_id = $2, started_at = clock_timestamp(), updated_at = clock_timestamp(),
        params = CASE WHEN j.job_type = 'predict' AND j.params->>'model_path' IS NULL THEN j.params || coalesce(
          (SELECT jsonb_build_object('model_id', m.model_id, 'model_path', m.path) FROM models m
           WHERE m.job_id = j.depends_on LIMIT 1), '{}'::jsonb) ELSE j.params END
      WHERE j.job_id = ANY($1) AND j.status = 'queued' RETURNING j.*""";

  static final String SPAWNED = """
      UPDATE jobs SET pid = $2, pid_start = $3, updated_at = clock_timestamp()
      WHERE job_id = $1 AND status = 'running' RETURNING cancel_requested""";

  /** An active job to a terminal status ($2), guarded by the legal moves. */
  static final String FINISH = """
      UPDATE jobs SET status = $2, exit_code = $3, error = $4, finished_at = clock_timestamp(),
        updated_at = clock_timestamp(), model_id = coalesce($5, model_id), result_id = coalesce($6, result_id),
        result_summary = coalesce($7, result_summary),
        progress = CASE WHEN $2 = 'success' THEN 100.0 ELSE progress END,
        eta_seconds = CASE WHEN $2 = 'success' THEN 0 ELSE eta_seconds END
      WHERE job_id = $1 AND (status, $2::text) IN """ + LEGAL_MOVES + " RETURNING *";

  static final String CANCEL_QUEUED = """
      UPDATE jobs SET status = 'canceled', cancel_requested = true, finished_at = clock_timestamp(),
        updated_at = clock_timestamp(), error = 'canceled before it started'
      WHERE job_id = $1 AND status = 'queued' RETURNING *""";

  static final String REQUEST_CANCEL = """
      UPDATE jobs SET cancel_requested = true, updated_at = clock_timestamp()
      WHERE job_id = $1 AND status = 'running' RETURNING *""";

  static final String HOLD_QUEUED = """
      UPDATE jobs SET cancel_requested = true
      WHERE status = 'queued' AND NOT cancel_requested AND ($1::bigint IS NULL OR owner_user_id = $1)""";

  static final String FLAG_CANCEL = """
      UPDATE jobs SET cancel_requested = true, updated_at = clock_timestamp()
      WHERE job_id = $1 AND status IN """ + ACTIVE;

  /** Locks sweep parents (in id order, so two transactions never wait on each other in a circle). */
  static final String LOCK_PARENTS = "SELECT 1 FROM jobs WHERE job_id = ANY($1) ORDER BY job_id FOR UPDATE";

  /**
   * A sweep parent's status summarizes its shards: all queued = queued, any active = running, all
   * succeeded = success, else canceled if the sweep was canceled, failed otherwise. Runs after the
   * parents are locked, in a new statement, so it sees a sibling shard that committed meanwhile.
   */
  static final String ROLL_UP_PARENTS = """
      UPDATE jobs p SET status = n.next, updated_at = clock_timestamp(),
        started_at = coalesce(p.started_at, CASE WHEN n.next <> 'queued' THEN clock_timestamp() END),
        finished_at = CASE WHEN n.next IN """ + TERMINAL + """
       THEN clock_timestamp() END,
        progress = n.progress
      FROM (
        SELECT q.job_id, CASE
            WHEN c.total = c.queued THEN 'queued'
            WHEN c.active > 0 THEN 'running'
            WHEN c.ok = c.total THEN 'success'
            WHEN q.cancel_requested THEN 'canceled'
            ELSE 'failed' END AS next,
          round(100.0 * (c.total - c.active) / c.total, 1) AS progress
        FROM jobs q JOIN (
          SELECT parent_id, count(*) AS total, count(*) FILTER (WHERE status = 'queued') AS queued,
                 count(*) FILTER (WHERE status IN """ + ACTIVE + """
      ) AS active,
                 count(*) FILTER (WHERE status = 'success') AS ok
          FROM jobs WHERE parent_id = ANY($1) GROUP BY parent_id) c ON c.parent_id = q.job_id) n
      WHERE p.job_id = n.job_id AND (p.status, n.next) IN """ + LEGAL_MOVES + " RETURNING p.*";

  // ------------------------------------------------------------------ cloud jobs

  static final String INSERT_PENDING = """
      INSERT INTO jobs(job_id, job_type, provider, status, owner_user_id, params, log_path, artifacts_dir, hardware)
      VALUES ($1, 'cloud', $2, 'pending', $3, $4, $5, $6, $7)""";

  static final String INSERT_DISCOVERED = """
      INSERT INTO jobs(job_id, job_type, provider, status, owner_user_id, params, external_id, created_at,
                       log_path, artifacts_dir)
      VALUES ($1, 'cloud', $2, 'pending', $3, $4, $5, coalesce($6, clock_timestamp()), $7, $8)
      ON CONFLICT (provider, external_id) WHERE external_id IS NOT NULL DO NOTHING RETURNING *""";

  static final String CANCEL_UNACKNOWLEDGED = """
      UPDATE jobs SET status = 'canceled', cancel_requested = true, finished_at = clock_timestamp(),
        updated_at = clock_timestamp(), error = 'canceled before the provider acknowledged it'
      WHERE job_id = $1 AND status = 'pending' AND external_id IS NULL RETURNING *""";

  static final String FAIL_UNACKNOWLEDGED = """
      UPDATE jobs SET status = 'failed', finished_at = clock_timestamp(), updated_at = clock_timestamp(),
        error = 'the provider never acknowledged the submission'
      WHERE provider <> 'local' AND status = 'pending' AND external_id IS NULL
        AND created_at < clock_timestamp() - make_interval(secs => $1) RETURNING *""";

  static final String CLOUD_STATE = """
      SELECT status, provider_status, error, unknown_since, provider_log_bytes, started_at, finished_at,
             cost_usd, stage, progress, eta_seconds, last_log, hardware
      FROM jobs WHERE job_id = $1""";

  /** A provider's view applied; a status change must be a legal move (a status kept as it is passes too). */
  static final String CLOUD_APPLY = """
      UPDATE jobs SET status = $2, provider_status = $3, error = $4, unknown_since = $5,
        provider_log_bytes = $6, started_at = $7, finished_at = $8, cost_usd = $9, stage = $10,
        progress = $11, eta_seconds = $12, last_log = $13, updated_at = clock_timestamp()
      WHERE job_id = $1 AND status IN """ + ACTIVE + " AND (status = $2 OR (status, $2::text) IN " + LEGAL_MOVES
      + ") RETURNING *";
}
