package io.trainyard.jobs;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The jobs table. Every state change is a conditional UPDATE, so a terminal status never changes again. */
public final class JobRepository {
  /** Job columns plus what the record's queue fields are derived from (computed for queued rows only). */
  static final String SELECT = """
      SELECT j.*, u.schedule_mode AS owner_mode,
        CASE WHEN j.status = 'queued' AND j.job_type <> 'sweep' AND j.provider = 'local' THEN 1 + (SELECT count(*) FROM jobs q
          WHERE q.owner_user_id = j.owner_user_id AND q.status = 'queued' AND q.provider = 'local' AND q.job_type <> 'sweep'
            AND (q.priority > j.priority OR (q.priority = j.priority AND (q.created_at, q.job_id) < (j.created_at, j.job_id))))
        END AS queue_position,
        CASE WHEN j.status = 'queued' THEN (SELECT count(*) FROM jobs r
          WHERE r.owner_user_id = j.owner_user_id AND r.status = 'running' AND r.provider = 'local'
            AND r.job_type <> 'sweep') END AS user_running,
        CASE WHEN j.status = 'queued' THEN (SELECT count(*) FROM jobs n
          WHERE n.status = 'running' AND n.provider = 'local' AND n.job_type <> 'sweep') END AS all_running,
        CASE WHEN j.status = 'queued' AND j.depends_on IS NOT NULL THEN
          coalesce((SELECT d.status FROM jobs d WHERE d.job_id = j.depends_on), 'missing') END AS dep_status
      FROM jobs j JOIN users u ON u.id = j.owner_user_id
      """;
  private static final String ACTIVE = "('queued', 'running', 'pending')";

  private final Pool pool;
  private final Limits limits;

  public JobRepository(Pool pool, Limits limits) {
    this.pool = pool;
    this.limits = limits;
  }

  public Pool pool() {
    return pool;
  }

  /** A queued local job to insert. */
  public record NewJob(String jobId, String type, long owner, JsonObject params, int priority, String dependsOn,
                       String parentId, String logPath, String artifactsDir) {
    Tuple tuple() {
      return Tuple.from(java.util.Arrays.asList(jobId, type, owner, params, priority, dependsOn, parentId, logPath, artifactsDir));
    }
  }

  /**
   * Inserts queued jobs (a sweep's parent and shards together) in one transaction, in order; they are
   * committed, and durable, when the future completes. Answers their records, in order.
   */
  public Future<List<JsonObject>> insertQueued(List<NewJob> batch) {
    return pool.withTransaction(tx -> {
      Future<Void> chain = Future.succeededFuture();
      for (NewJob j : batch) {
        chain = chain.compose(v -> tx.preparedQuery("""
                INSERT INTO jobs(job_id, job_type, provider, status, owner_user_id, params, priority, depends_on,
                                 parent_id, log_path, artifacts_dir)
                VALUES ($1, $2, 'local', 'queued', $3, $4, $5, $6, $7, $8, $9)""")
            .execute(j.tuple()).mapEmpty());
      }
      return chain;
    }).compose(v -> selectMany(pool, batch.stream().map(NewJob::jobId).toList()))
        .map(list -> {
          // selectMany orders by start time; answer in insertion order (parent first).
          Map<String, JsonObject> byId = new java.util.HashMap<>();
          list.forEach(j -> byId.put(j.getString("job_id"), j));
          return batch.stream().map(j -> byId.get(j.jobId())).toList();
        });
  }

  /** Ids and statuses along a dependency chain starting at {@code jobId} (at most {@code max} hops). */
  public Future<List<String>> dependencyChain(String jobId, int max) {
    return pool.preparedQuery("""
            WITH RECURSIVE chain(job_id, depends_on, depth) AS (
              SELECT job_id, depends_on, 1 FROM jobs WHERE job_id = $1
              UNION ALL
              SELECT j.job_id, j.depends_on, c.depth + 1 FROM jobs j JOIN chain c ON j.job_id = c.depends_on
              WHERE c.depth < $2)
            SELECT job_id FROM chain ORDER BY depth""")
        .execute(Tuple.of(jobId, max))
        .map(rows -> {
          List<String> out = new ArrayList<>();
          rows.forEach(r -> out.add(r.getString(0)));
          return out;
        });
  }

  /** A sweep's shards, in creation order. */
  public Future<List<JsonObject>> shards(String parentId) {
    return pool.preparedQuery(SELECT + " WHERE j.parent_id = $1 ORDER BY j.created_at, j.job_id")
        .execute(Tuple.of(parentId)).map(this::all);
  }

  /** A job the viewer may see ({@code viewer} null = any owner). */
  public Future<Optional<JsonObject>> find(String jobId, Long viewer) {
    return pool.preparedQuery(SELECT + " WHERE j.job_id = $1 AND ($2::bigint IS NULL OR j.owner_user_id = $2)")
        .execute(Tuple.of(jobId, viewer))
        .map(this::first);
  }

  /** One page, newest first, with the total of the filter. */
  public Future<JsonObject> list(JobFilter f) {
    Tuple args = Tuple.tuple();
    String where = f.where(args);
    String page = SELECT + where + " ORDER BY j.created_at DESC, j.job_id DESC LIMIT " + f.limit() + " OFFSET " + f.offset();
    Tuple countArgs = Tuple.tuple();
    String count = "SELECT coalesce(sum(n), 0)::bigint FROM job_counts" + f.countWhere(countArgs);
    // Page and total on two connections at once: the total never waits for the page.
    Future<RowSet<Row>> totalRows = pool.preparedQuery(count).execute(countArgs);
    return pool.preparedQuery(page).execute(args).compose(rows ->
        totalRows.map(c -> {
          List<JsonObject> items = new ArrayList<>(rows.size());
          Row last = null;
          for (Row r : rows) {
            items.add(JobRows.toJson(r, limits));
            last = r;
          }
          String next = rows.size() == f.limit() && last != null
              ? new JobFilter.Cursor(last.getOffsetDateTime("created_at"), last.getString("job_id")).encode() : null;
          return new JsonObject()
              .put("items", new io.vertx.core.json.JsonArray(items))
              .put("total", c.iterator().next().getLong(0))
              .put("limit", f.limit())
              .put("offset", f.offset())
              .put("next_cursor", next);
        }));
  }

  /** Unarchived jobs per status from the trigger-kept job_counts table ({@code owner} null = all). */
  public Future<JsonObject> counts(Long owner) {
    return pool.preparedQuery("""
            SELECT status, sum(n)::bigint FROM job_counts
            WHERE archived = false AND ($1::bigint IS NULL OR owner_user_id = $1) GROUP BY status""")
        .execute(Tuple.of(owner))
        .map(rows -> {
          JsonObject out = new JsonObject();
          long total = 0;
          for (String s : new String[] {"pending", "queued", "running", "success", "failed", "canceled"}) {
            out.put(s, 0L);
          }
          for (Row r : rows) {
            out.put(r.getString(0), r.getLong(1));
            total += r.getLong(1);
          }
          return out.put("total", total);
        });
  }

  /**
   * Claims the queued jobs this node may start now, in one transaction holding a global advisory
   * lock: per-user limits and node capacity are computed from the table itself, so concurrent
   * schedulers (threads or cluster nodes) can never both see the same free slot.
   */
  public Future<Claim> claim(String nodeId) {
    List<String> failed = new ArrayList<>();
    return pool.withTransaction(tx -> tx.query("SELECT pg_advisory_xact_lock(7100001)").execute()
        // A job whose dependency failed, was canceled or is gone can never start: it fails, saying why.
        .compose(v -> tx.query("""
                UPDATE jobs q SET status = 'failed', finished_at = clock_timestamp(), updated_at = clock_timestamp(),
                  error = 'dependency ' || q.depends_on || coalesce(
                    (SELECT ' ended ' || d.status FROM jobs d WHERE d.job_id = q.depends_on), ' no longer exists')
                WHERE q.status = 'queued' AND q.depends_on IS NOT NULL AND NOT EXISTS (
                  SELECT 1 FROM jobs d WHERE d.job_id = q.depends_on AND d.status NOT IN ('failed', 'canceled'))
                RETURNING q.job_id""").execute())
        .compose(dead -> {
          dead.forEach(r -> failed.add(r.getString(0)));
          return tx.preparedQuery("""
                SELECT count(*) FROM jobs WHERE status = 'running' AND provider = 'local' AND node_id = $1
                  AND job_type <> 'sweep'""")
            .execute(Tuple.of(nodeId));
        })
        .compose(rows -> {
          long free = limits.nodeCapacity() - rows.iterator().next().getLong(0);
          if (free <= 0) {
            return Future.succeededFuture(List.<String>of());
          }
          // rn ranks each user's queue; ordering by (running + rn) first hands a nearly full node to the
          // users holding the fewest slots, so one user's backlog cannot starve the others.
          return tx.preparedQuery("""
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
                  LIMIT $3::int""")
              .execute(Tuple.of(limits.parallel(), limits.serial(), free))
              .map(ids -> {
                List<String> out = new ArrayList<>();
                ids.forEach(r -> out.add(r.getString(0)));
                return out;
              });
        })
        .compose(ids -> ids.isEmpty()
            ? Future.succeededFuture(List.<JsonObject>of())
            : tx.preparedQuery("""
                    UPDATE jobs SET status = 'running', node_id = $2, started_at = clock_timestamp(),
                      updated_at = clock_timestamp()
                    WHERE job_id = ANY($1) AND status = 'queued' RETURNING job_id""")
                .execute(Tuple.of(ids.toArray(new String[0]), nodeId))
                // A predict job that names no model uses the one its train dependency registered.
                .compose(v -> tx.preparedQuery("""
                    UPDATE jobs j SET params = j.params || jsonb_build_object('model_id', m.model_id, 'model_path', m.path)
                    FROM models m WHERE j.job_id = ANY($1) AND j.job_type = 'predict'
                      AND j.params->>'model_path' IS NULL AND m.job_id = j.depends_on""")
                    .execute(Tuple.of(ids.toArray(new String[0]))))
                .compose(v -> selectMany(tx, ids)))
        .compose(started -> (failed.isEmpty() ? Future.succeededFuture(List.<JsonObject>of()) : selectMany(tx, failed))
            .map(dead -> new Claim(started, dead))));
  }

  /** What one scheduling pass did: jobs claimed to start here, and jobs failed by their dependency. */
  public record Claim(List<JsonObject> started, List<JsonObject> failed) {
    public boolean isEmpty() {
      return started.isEmpty() && failed.isEmpty();
    }
  }

  /** Records the spawned process; answers whether a cancel arrived meanwhile (empty: job gone or finished). */
  public Future<Optional<Boolean>> markSpawned(String jobId, long pid, long pidStart) {
    return pool.preparedQuery("""
            UPDATE jobs SET pid = $2, pid_start = $3, updated_at = clock_timestamp()
            WHERE job_id = $1 AND status = 'running' RETURNING cancel_requested""")
        .execute(Tuple.of(jobId, (int) pid, pidStart))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getBoolean(0)));
  }

  /** Moves an active job to a terminal status with its outcome; empty if it already was terminal or is gone. */
  public Future<Optional<JsonObject>> finish(String jobId, String status, Integer exitCode, String error, JsonObject outcome) {
    JsonObject o = outcome == null ? new JsonObject() : outcome;
    return pool.preparedQuery("""
            UPDATE jobs SET status = $2, exit_code = $3, error = $4, finished_at = clock_timestamp(),
              updated_at = clock_timestamp(), model_id = coalesce($5, model_id), result_id = coalesce($6, result_id),
              result_summary = coalesce($7, result_summary),
              progress = CASE WHEN $2 = 'success' THEN 100.0 ELSE progress END,
              eta_seconds = CASE WHEN $2 = 'success' THEN 0 ELSE eta_seconds END
            WHERE job_id = $1 AND status IN """ + ACTIVE + " RETURNING job_id")
        .execute(Tuple.of(jobId, status, exitCode, error, o.getString("model_id"), o.getString("result_id"),
            o.getJsonObject("result_summary")))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(Optional.<JsonObject>empty()) : find(jobId, null));
  }

  /** queued -> canceled in one step; empty if it was no longer queued. */
  public Future<Optional<JsonObject>> cancelQueued(String jobId) {
    return pool.preparedQuery("""
            UPDATE jobs SET status = 'canceled', cancel_requested = true, finished_at = clock_timestamp(),
              updated_at = clock_timestamp(), error = 'canceled before it started'
            WHERE job_id = $1 AND status = 'queued' RETURNING job_id""")
        .execute(Tuple.of(jobId))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(Optional.<JsonObject>empty()) : find(jobId, null));
  }

  /** Flags every queued job of an owner ({@code owner} null = all) so no scheduler claims it. */
  public Future<Void> flagQueuedCanceled(Long owner) {
    return pool.preparedQuery("""
            UPDATE jobs SET cancel_requested = true
            WHERE status = 'queued' AND NOT cancel_requested AND ($1::bigint IS NULL OR owner_user_id = $1)""")
        .execute(Tuple.of(owner)).mapEmpty();
  }

  /** Marks a (sweep parent) job as canceled-by-request while it is still active. */
  public Future<Void> flagCancel(String jobId) {
    return pool.preparedQuery("""
            UPDATE jobs SET cancel_requested = true, updated_at = clock_timestamp()
            WHERE job_id = $1 AND status IN """ + ACTIVE).execute(Tuple.of(jobId)).mapEmpty();
  }

  /** Flags a running job as being canceled; empty if it is not running. */
  public Future<Optional<JsonObject>> requestCancel(String jobId) {
    return pool.preparedQuery("""
            UPDATE jobs SET cancel_requested = true, updated_at = clock_timestamp()
            WHERE job_id = $1 AND status = 'running' RETURNING job_id""")
        .execute(Tuple.of(jobId))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(Optional.<JsonObject>empty()) : find(jobId, null));
  }

  /** Writes a running job's parsed progress (throttled by the caller). */
  public Future<Void> updateProgress(String jobId, String stage, Double progress, Long eta, String lastLog) {
    return pool.preparedQuery("""
            UPDATE jobs SET stage = $2, progress = $3, eta_seconds = $4, last_log = $5
            WHERE job_id = $1 AND status = 'running'""")
        .execute(Tuple.of(jobId, stage, progress, eta, lastLog)).mapEmpty();
  }

  /** Running jobs of a node that someone asked to cancel (possibly through another node). */
  public Future<List<String>> cancelRequestedOn(String nodeId) {
    return pool.preparedQuery("""
            SELECT job_id FROM jobs WHERE status = 'running' AND node_id = $1 AND cancel_requested""")
        .execute(Tuple.of(nodeId))
        .map(rows -> {
          List<String> out = new ArrayList<>();
          rows.forEach(r -> out.add(r.getString(0)));
          return out;
        });
  }

  /** The running jobs a node is responsible for. */
  public Future<List<JsonObject>> runningOn(String nodeId) {
    return pool.preparedQuery(SELECT + " WHERE j.status = 'running' AND j.provider = 'local' AND j.node_id = $1")
        .execute(Tuple.of(nodeId)).map(this::all);
  }

  /** Pid start time of a job, for telling its process from an unrelated one with a reused pid. */
  public Future<Optional<Long>> pidStart(String jobId) {
    return pool.preparedQuery("SELECT pid_start FROM jobs WHERE job_id = $1").execute(Tuple.of(jobId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.ofNullable(rows.iterator().next().getLong(0)));
  }

  /** Ids (and artifacts dirs) of the jobs a flush covers. */
  public Future<List<JsonObject>> forFlush(Long owner, boolean all) {
    String where = all ? "TRUE" : "j.status IN " + ACTIVE;
    return pool.preparedQuery(SELECT + " WHERE " + where + " AND ($1::bigint IS NULL OR j.owner_user_id = $1)")
        .execute(Tuple.of(owner)).map(this::all);
  }

  /**
   * Deletes a job that is not active, with its model and result records. Empty if it was active
   * (or vanished) by the time the delete ran; otherwise {removed_models, removed_results}.
   */
  public Future<Optional<JsonObject>> deleteInactive(String jobId, boolean allowActive) {
    String guard = allowActive ? "" : " AND status NOT IN " + ACTIVE;
    return pool.withTransaction(tx -> tx.preparedQuery("DELETE FROM jobs WHERE job_id = $1" + guard + " RETURNING job_id")
        .execute(Tuple.of(jobId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(Optional.<JsonObject>empty());
          }
          return tx.preparedQuery("DELETE FROM models WHERE job_id = $1").execute(Tuple.of(jobId))
              .compose(m -> tx.preparedQuery("DELETE FROM results WHERE job_id = $1").execute(Tuple.of(jobId))
                  .map(r -> Optional.of(new JsonObject().put("removed_models", m.rowCount())
                      .put("removed_results", r.rowCount()))));
        }));
  }

  private Future<List<JsonObject>> selectMany(SqlClient client, List<String> ids) {
    return client.preparedQuery(SELECT + " WHERE j.job_id = ANY($1) ORDER BY j.started_at, j.job_id")
        .execute(Tuple.of(ids.toArray(new String[0]))).map(this::all);
  }

  private Optional<JsonObject> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(JobRows.toJson(rows.iterator().next(), limits));
  }

  private List<JsonObject> all(RowSet<Row> rows) {
    List<JsonObject> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(JobRows.toJson(r, limits)));
    return out;
  }
}
