package io.trainyard.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The SQL of {@link JobLedger}: the only statements that write {@code jobs.status}. Guards on a status
 * given at run time are generated from {@link JobStatus#canMoveTo}; statements whose move is fixed
 * (claim: queued to running, exited: running to terminal, dependents: queued to failed, node lost:
 * running to failed) name their
 * one legal source status, which {@code JobLedgerTest} checks against the same rule.
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
   * Just-queued jobs ($1) as {@link JobRepository#SELECT} reads them, with their queue positions found
   * in one walk: a position is the owner's queued count at or above its priority ({@code
   * queue_counts}) minus the jobs queued after it, and those are ranked together for every job of the
   * write, over the tail of each (owner, priority) queue from the write's first job on. Counting each
   * job's successors one by one would walk the tail once per job: a 1,000-job batch took seconds.
   */
  static final String READ_QUEUED = """
      WITH fresh AS MATERIALIZED (
        -- By primary key. Left to itself the planner may walk the whole queue index and test each
        -- entry against the id array (a quarter of a second for a 2,000-job write at 14,000 queued).
        SELECT owner_user_id, priority, created_at, status, provider, job_type FROM jobs WHERE job_id = ANY($1)),
      heads AS (
        SELECT owner_user_id, priority, min(created_at) AS since FROM fresh
        WHERE status = 'queued' AND provider = 'local' AND job_type <> 'sweep'
        GROUP BY owner_user_id, priority),
      tail AS MATERIALIZED (
        -- LATERAL, so "created_at >= since" bounds the index range instead of filtering a whole queue.
        SELECT x.job_id, x.later FROM heads h CROSS JOIN LATERAL (
          SELECT q.job_id, row_number() OVER (ORDER BY q.created_at DESC, q.job_id DESC) - 1 AS later
          FROM jobs q WHERE q.owner_user_id = h.owner_user_id AND q.priority = h.priority AND q.created_at >= h.since
            AND q.status = 'queued' AND q.provider = 'local' AND q.job_type <> 'sweep') x)
      """ + JobRepository.select("""
      (SELECT coalesce(sum(c.n), 0) FROM queue_counts c WHERE c.owner_user_id = j.owner_user_id
         AND c.priority >= j.priority) - t.later""", "LEFT JOIN tail t ON t.job_id = j.job_id")
      + " WHERE j.job_id = ANY($1)";

  /** Queued jobs with a dependency that can never succeed: failed, canceled or gone. */
  private static final String DEAD_DEPENDENCY = """
      q.status = 'queued' AND q.depends_on IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM jobs d WHERE d.job_id = q.depends_on AND d.status NOT IN ('failed', 'canceled'))""";

  private static final String FAIL_AS_DEPENDENT = """
      UPDATE jobs q SET status = 'failed', finished_at = clock_timestamp(), updated_at = clock_timestamp(),
        error = 'dependency ' || q.depends_on || coalesce(
          (SELECT ' ended ' || d.status FROM jobs d WHERE d.job_id = q.depends_on), ' no longer exists')""";

  /**
   * Every queued job whose dependency can never succeed fails, saying why. Reads only queued jobs
   * that have a dependency (a partial index); the scheduler's timer pass runs it to catch a
   * dependency deleted after it succeeded, everything else is caught as it happens.
   */
  static final String FAIL_DEAD_DEPENDENCIES = FAIL_AS_DEPENDENT + " WHERE " + DEAD_DEPENDENCY + " RETURNING q.*";

  /**
   * The same, among the given (just queued) jobs: a dependency may have ended before its dependent
   * came. The jobs are found by primary key first (see READ_QUEUED for why).
   */
  static final String FAIL_DEAD_AMONG = "WITH fresh AS MATERIALIZED (SELECT job_id FROM jobs WHERE job_id = ANY($1)) "
      + FAIL_AS_DEPENDENT + " WHERE q.job_id IN (SELECT job_id FROM fresh) AND " + DEAD_DEPENDENCY + " RETURNING q.*";

  /**
   * The queued dependents of jobs that just failed or were canceled ($1) fail with them, and theirs in
   * turn, in the transaction that ended the dependency. A dependent deeper in the chain names a
   * dependency that this same statement fails, hence "ended failed" for a status the snapshot
   * still shows as queued.
   */
  static final String FAIL_DEPENDENTS = """
      WITH RECURSIVE doomed(job_id) AS (
        SELECT q.job_id FROM jobs q WHERE q.depends_on = ANY($1) AND q.status = 'queued'
        UNION
        SELECT q.job_id FROM jobs q JOIN doomed ON q.depends_on = doomed.job_id WHERE q.status = 'queued')
      UPDATE jobs q SET status = 'failed', finished_at = clock_timestamp(), updated_at = clock_timestamp(),
        error = 'dependency ' || q.depends_on || ' ended ' || coalesce(
          (SELECT d.status FROM jobs d WHERE d.job_id = q.depends_on AND d.status IN ('failed', 'canceled')), 'failed')
      WHERE q.job_id IN (SELECT job_id FROM doomed) AND q.status = 'queued' RETURNING q.*""";

  /**
   * One start decision, as one statement: the queued jobs this node ($4) starts now, moved to running
   * (at most the node's free capacity, $3). Only users with queued work and a free slot are looked
   * at, and of each only the head of its queue (an index walk of at most its free slots), so the cost
   * follows the number of waiting users, not the number of queued jobs. Ordering by (running + place
   * in its user's queue) first hands a nearly full node to the users holding the fewest slots, so one
   * user's backlog cannot starve the others. A predict job that names no model takes the one its
   * train dependency registered, in the same statement.
   */
  private static final String CLAIM = """
      WITH RECURSIVE running AS (
        SELECT owner_user_id, count(*) AS n, count(*) FILTER (WHERE node_id = $4) AS here FROM jobs
        -- A sweep parent is 'running' while its shards run, but holds no slot itself.
        WHERE status = 'running' AND provider = 'local' AND job_type <> 'sweep' GROUP BY owner_user_id),
      waiting AS (
        SELECT u.id, coalesce(r.n, 0) AS n,
               (CASE WHEN u.schedule_mode = 'parallel' THEN $1::int ELSE $2::int END) - coalesce(r.n, 0) AS room
        FROM (%s) w
        JOIN users u ON u.id = w.owner_user_id
        LEFT JOIN running r ON r.owner_user_id = u.id),
      heads AS (
        SELECT h.*, w.n + row_number() OVER (PARTITION BY w.id ORDER BY h.priority DESC, h.created_at, h.job_id) AS load
        FROM waiting w CROSS JOIN LATERAL (
          SELECT q.job_id, q.priority, q.created_at, q.params->'resources' AS res FROM jobs q
          WHERE q.owner_user_id = w.id AND q.status = 'queued' AND q.provider = 'local' AND q.job_type <> 'sweep'
            AND NOT q.cancel_requested AND (q.not_before IS NULL OR q.not_before <= clock_timestamp())
            AND (q.depends_on IS NULL OR EXISTS (
              SELECT 1 FROM jobs d WHERE d.job_id = q.depends_on AND d.status = 'success'))
          ORDER BY q.priority DESC, q.created_at, q.job_id
          LIMIT greatest(w.room, 0)) h
        WHERE w.room > 0),
      -- What this node's running jobs hold, and what is left of its inventory ($5 GPU ids, $6 CPUs, $7 MB).
      used AS (
        SELECT ARRAY(SELECT g FROM jobs u, unnest(u.assigned_gpus) g WHERE u.status = 'running' AND u.node_id = $4
                       AND u.provider = 'local') AS gpus,
               coalesce(sum((u.params->'resources'->>'cpus')::int), 0) AS cpus,
               coalesce(sum((u.params->'resources'->>'memory_mb')::bigint), 0) AS mem
        FROM jobs u WHERE u.status = 'running' AND u.node_id = $4 AND u.provider = 'local' AND u.job_type <> 'sweep'),
      free AS (
        SELECT ARRAY(SELECT g FROM unnest($5::text[]) WITH ORDINALITY AS i(g, n)
                     WHERE NOT EXISTS (SELECT 1 FROM used, unnest(used.gpus) b WHERE b = i.g) ORDER BY n) AS gpus,
               $6::bigint - (SELECT cpus FROM used) AS cpus, $7::bigint - (SELECT mem FROM used) AS mem),
      ordered AS (
        SELECT job_id, coalesce((res->>'gpus')::int, 0) AS gpus, coalesce((res->>'cpus')::int, 0) AS cpus,
               coalesce((res->>'memory_mb')::bigint, 0) AS mem,
               row_number() OVER (ORDER BY load, priority DESC, created_at, job_id) AS rn
        FROM heads),
      -- Walks the candidates in start order, taking each that still fits (first fit): a job waiting for
      -- GPUs does not hold back a later one that fits now. gpu_at is where its GPUs start among the free ones.
      walk(rn, job_id, took, gpu_at, gpus, slots, gpus_left, cpus_left, mem_left) AS (
        SELECT 0::bigint, NULL::text, false, 0, 0,
               -- A node that is draining (or was declared lost and has not come back yet) starts nothing.
               CASE WHEN EXISTS (SELECT 1 FROM cluster_nodes n WHERE n.node_id = $4 AND n.state <> 'up') THEN 0
                    ELSE greatest(0, $3::int - (SELECT coalesce(sum(here), 0) FROM running))::int END,
               cardinality(f.gpus), f.cpus, f.mem FROM free f
        UNION ALL
        SELECT o.rn, o.job_id, fit.ok, cardinality((SELECT gpus FROM free)) - w.gpus_left, o.gpus,
               w.slots - fit.ok::int,
               w.gpus_left - CASE WHEN fit.ok THEN o.gpus ELSE 0 END,
               w.cpus_left - CASE WHEN fit.ok THEN o.cpus ELSE 0 END,
               w.mem_left - CASE WHEN fit.ok THEN o.mem ELSE 0 END
        FROM walk w JOIN ordered o ON o.rn = w.rn + 1
        CROSS JOIN LATERAL (SELECT o.gpus <= w.gpus_left AND o.cpus <= w.cpus_left AND o.mem <= w.mem_left AS ok) fit
        WHERE w.slots > 0),
      picked AS (
        SELECT p.job_id, f.gpus[p.gpu_at + 1 : p.gpu_at + p.gpus] AS gpus FROM walk p, free f
        WHERE p.took AND p.gpus > 0
        UNION ALL SELECT p.job_id, '{}'::text[] FROM walk p WHERE p.took AND p.gpus = 0)
      UPDATE jobs j SET status = 'running', node_id = $4, started_at = clock_timestamp(), updated_at = clock_timestamp(),
        assigned_gpus = (SELECT p.gpus FROM picked p WHERE p.job_id = j.job_id), not_before = NULL,
        -- The job's files live on the node that runs it (the submission named the submitting node's).
        log_path = coalesce((SELECT n.jobs_dir || '/' || j.job_id || '/output.log' FROM cluster_nodes n
                             WHERE n.node_id = $4), j.log_path),
        artifacts_dir = coalesce((SELECT n.jobs_dir || '/' || j.job_id FROM cluster_nodes n WHERE n.node_id = $4),
                                 j.artifacts_dir),
        params = CASE WHEN j.job_type = 'predict' AND j.params->>'model_path' IS NULL THEN j.params || coalesce(
          (SELECT jsonb_build_object('model_id', m.model_id, 'model_path', m.path) FROM models m
           WHERE m.job_id = j.depends_on LIMIT 1), '{}'::jsonb) ELSE j.params END
      WHERE j.job_id IN (SELECT job_id FROM picked) AND j.status = 'queued' RETURNING j.*""";

  /** The users with queued work, from the trigger-kept counts: a read of a few small rows. */
  private static final String WAITING_BY_COUNTS = "SELECT DISTINCT owner_user_id FROM queue_counts WHERE n > 0";

  /**
   * The same users read from the queue index itself, one probe per user (a skip scan), so a timer
   * pass does not depend on the counts being right.
   */
  private static final String WAITING_BY_INDEX = """
      WITH RECURSIVE o(owner_user_id) AS (
        SELECT min(owner_user_id) FROM jobs WHERE status = 'queued' AND provider = 'local' AND job_type <> 'sweep'
        UNION ALL
        SELECT (SELECT min(q.owner_user_id) FROM jobs q WHERE q.owner_user_id > o.owner_user_id
                  AND q.status = 'queued' AND q.provider = 'local' AND q.job_type <> 'sweep')
        FROM o WHERE o.owner_user_id IS NOT NULL)
      SELECT owner_user_id FROM o WHERE owner_user_id IS NOT NULL""";

  /** The claim of a wake's pass. */
  static final String CLAIM_BY_COUNTS = CLAIM.formatted(WAITING_BY_COUNTS);

  /** The claim of a timer pass, independent of {@code queue_counts}. */
  static final String CLAIM_BY_INDEX = CLAIM.formatted(WAITING_BY_INDEX);

  private static final String LOST_NODE = """
      state <> 'lost' AND node_id <> $1 AND last_heartbeat_at < clock_timestamp() - make_interval(secs => $2)
        AND member_id <> ALL($3::text[])""";

  /**
   * Every other node ($1 is the survivor asking) whose heartbeat is older than $2 seconds and that is
   * not a live cluster member ($3), marked lost (draining ones too); a node already lost is left alone.
   */
  static final String MARK_NODES_LOST = "UPDATE cluster_nodes SET state = 'lost', lost_at = clock_timestamp() WHERE "
      + LOST_NODE + " RETURNING node_id";

  /** Whether {@link #MARK_NODES_LOST} would mark any node (a read, no lock). */
  static final String ANY_NODE_LOST = "SELECT EXISTS (SELECT 1 FROM cluster_nodes WHERE " + LOST_NODE + ")";

  /** The running jobs of lost nodes ($1) fail (running -> failed), naming the node. */
  static final String FAIL_ON_LOST_NODES = """
      UPDATE jobs SET status = 'failed', finished_at = clock_timestamp(), updated_at = clock_timestamp(),
        error = 'node ' || node_id || ' was lost'
      WHERE node_id = ANY($1) AND status = 'running' AND provider = 'local' AND job_type <> 'sweep' RETURNING *""";

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

  /** How an exited process ends, decided on the locked row: a cancel requested meanwhile wins. */
  private static final String EXIT_STATUS = "(CASE WHEN j.stop_reason = 'timeout' THEN 'failed'"
      + " WHEN $3 OR j.cancel_requested THEN 'canceled' WHEN $2 = 0 THEN 'success' ELSE 'failed' END)";

  /** The error an exited job ends with: the time limit's, a cancel's, or the failure text ($4). */
  private static final String EXIT_ERROR = "(CASE WHEN j.stop_reason = 'timeout' THEN 'time limit of '"
      + " || (j.params->>'timeout_seconds') || ' s reached' WHEN " + EXIT_STATUS + " = 'canceled' THEN 'canceled by request'"
      + " WHEN " + EXIT_STATUS + " = 'failed' THEN $4 END)";

  /** The attempt that just ended ($2 exit code, error text given) appended to the job's history. */
  private static final String ATTEMPT_ENDED = """
      j.attempts || jsonb_build_array(jsonb_build_object('attempt', j.attempt, 'started_at', j.started_at,
        'finished_at', clock_timestamp(), 'exit_code', $2, 'error', %s))""";

  /**
   * The lifecycle's one backward move, running -> queued: a failed exit (not a cancel, not a time
   * limit) of a job with attempts left queues it again as its next attempt, not before its backoff
   * (retry_backoff_seconds, doubling per attempt). node_id stays: the last attempt's log and files are
   * on that node, so reads, deletes and purges still go there while the job waits; only running rows
   * count toward a node's slots. $1 job, $2 exit code, $3 canceling, $4 error.
   */
  static final String RETRY = """
      UPDATE jobs j SET status = 'queued', attempt = j.attempt + 1, attempts = %s,
        not_before = clock_timestamp() + make_interval(secs => coalesce((j.params->>'retry_backoff_seconds')::float8, %d)
          * power(2, j.attempt - 1)),
        pid = NULL, pid_start = NULL, started_at = NULL, assigned_gpus = '{}', exit_code = NULL,
        stage = NULL, progress = NULL, eta_seconds = NULL, updated_at = clock_timestamp()
      WHERE j.job_id = $1 AND j.status = 'running' AND $2 <> 0 AND NOT $3 AND NOT j.cancel_requested
        AND j.stop_reason IS NULL AND j.attempt <= coalesce((j.params->>'max_retries')::int, 0)
      RETURNING j.*""".formatted(ATTEMPT_ENDED.formatted("$4::text"), Execution.DEFAULT_BACKOFF_SECONDS);

  /**
   * Running jobs of this node ($1) past their time limit are asked to stop: flagged like a cancel (the
   * owning node's tick hands them to its supervisor) with stop_reason 'timeout', so their exit ends
   * them failed, saying so.
   */
  static final String TIME_OUT = """
      UPDATE jobs SET stop_reason = 'timeout', cancel_requested = true, updated_at = clock_timestamp()
      WHERE status = 'running' AND node_id = $1 AND params ? 'timeout_seconds' AND stop_reason IS NULL
        AND NOT cancel_requested
        AND started_at + make_interval(secs => (params->>'timeout_seconds')::float8) <= clock_timestamp()
      RETURNING *""";

  /**
   * A running job's process exited: status, exit code, final progress and (for a success) its model or
   * result, in one statement. $1 job, $2 exit code, $3 canceling, $4 error if failed, $5-$8 final
   * stage, progress, eta, last line, $9-$11 model id, path, metrics, $12-$14 result id, path, rows,
   * $15 result summary.
   */
  static final String EXITED = """
      WITH fin AS (
        UPDATE jobs j SET status = %1$s, exit_code = $2, finished_at = clock_timestamp(), updated_at = clock_timestamp(),
          error = %3$s, attempts = %2$s,
          stage = coalesce($5, j.stage), last_log = coalesce($8, j.last_log),
          progress = CASE WHEN %1$s = 'success' THEN 100.0 ELSE coalesce($6, j.progress) END,
          eta_seconds = CASE WHEN %1$s = 'success' THEN 0 ELSE coalesce($7, j.eta_seconds) END,
          model_id = CASE WHEN %1$s = 'success' THEN $9 ELSE j.model_id END,
          result_id = CASE WHEN %1$s = 'success' THEN $12 ELSE j.result_id END,
          result_summary = CASE WHEN %1$s = 'success' THEN $15 ELSE j.result_summary END
        WHERE j.job_id = $1 AND j.status = 'running' RETURNING j.*),
      m AS (
        INSERT INTO models(model_id, job_id, owner_user_id, path, metrics)
        SELECT $9, job_id, owner_user_id, $10, $11 FROM fin WHERE status = 'success' AND $9::text IS NOT NULL),
      r AS (
        INSERT INTO results(result_id, job_id, model_id, owner_user_id, path, rows)
        SELECT $12, job_id, params->>'model_id', owner_user_id, $13, $14 FROM fin
        WHERE status = 'success' AND $12::text IS NOT NULL)
      SELECT * FROM fin""".formatted(EXIT_STATUS, ATTEMPT_ENDED.formatted(EXIT_ERROR), EXIT_ERROR);

  static final String CANCEL_QUEUED = """
      UPDATE jobs SET status = 'canceled', cancel_requested = true, finished_at = clock_timestamp(),
        updated_at = clock_timestamp(), error = 'canceled before it started'
      WHERE job_id = $1 AND status = 'queued' RETURNING *""";

  static final String REQUEST_CANCEL = """
      UPDATE jobs SET cancel_requested = true, updated_at = clock_timestamp()
      WHERE job_id = $1 AND status = 'running' RETURNING *""";

  static final String HOLD_QUEUED = """
      UPDATE jobs SET cancel_requested = true
      WHERE status = 'queued' AND NOT cancel_requested AND ($1::bigint IS NULL OR owner_user_id = $1) RETURNING job_id""";

  /** Undoes {@link #HOLD_QUEUED} for the held jobs a flush did not delete; they wait for the scheduler again. */
  static final String RELEASE_HELD = """
      UPDATE jobs SET cancel_requested = false
      WHERE job_id = ANY($1) AND status = 'queued' AND cancel_requested""";

  static final String FLAG_CANCEL = """
      UPDATE jobs SET cancel_requested = true, updated_at = clock_timestamp()
      WHERE job_id = $1 AND status IN """ + ACTIVE;

  /** Share-locks the jobs that new submissions depend on, in id order. */
  static final String LOCK_DEPENDENCIES = "SELECT 1 FROM jobs WHERE job_id = ANY($1) ORDER BY job_id FOR SHARE";

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
