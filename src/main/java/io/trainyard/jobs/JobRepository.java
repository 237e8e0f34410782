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
import java.util.Optional;

/** The jobs table. Every state change is a conditional UPDATE, so a terminal status never changes again. */
public final class JobRepository {
  /** Job columns plus what the record's queue fields are derived from (computed for queued rows only). */
  static final String SELECT = """
      SELECT j.*, u.schedule_mode AS owner_mode,
        CASE WHEN j.status = 'queued' THEN 1 + (SELECT count(*) FROM jobs q
          WHERE q.owner_user_id = j.owner_user_id AND q.status = 'queued' AND q.provider = 'local'
            AND (q.priority > j.priority OR (q.priority = j.priority AND (q.created_at, q.job_id) < (j.created_at, j.job_id))))
        END AS queue_position,
        CASE WHEN j.status = 'queued' THEN (SELECT count(*) FROM jobs r
          WHERE r.owner_user_id = j.owner_user_id AND r.status = 'running' AND r.provider = 'local') END AS user_running,
        CASE WHEN j.status = 'queued' THEN (SELECT count(*) FROM jobs n
          WHERE n.status = 'running' AND n.provider = 'local') END AS all_running
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

  /** Inserts a queued job; the row is committed (and durable) when the future completes. */
  public Future<JsonObject> insertQueued(String jobId, String type, long owner, JsonObject params, int priority,
                                         String logPath, String artifactsDir) {
    return pool.preparedQuery("""
            INSERT INTO jobs(job_id, job_type, provider, status, owner_user_id, params, priority, log_path, artifacts_dir)
            VALUES ($1, $2, 'local', 'queued', $3, $4, $5, $6, $7)""")
        .execute(Tuple.of(jobId, type, owner, params, priority, logPath, artifactsDir))
        .compose(v -> find(jobId, null))
        .map(Optional::orElseThrow);
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
    String count = "SELECT count(*) FROM jobs j" + where;
    return pool.preparedQuery(page).execute(args).compose(rows ->
        pool.preparedQuery(count).execute(args).map(c -> new JsonObject()
            .put("items", new io.vertx.core.json.JsonArray(all(rows)))
            .put("total", c.iterator().next().getLong(0))
            .put("limit", f.limit())
            .put("offset", f.offset())));
  }

  /**
   * Claims the queued jobs this node may start now, in one transaction holding a global advisory
   * lock: per-user limits and node capacity are computed from the table itself, so concurrent
   * schedulers (threads or cluster nodes) can never both see the same free slot.
   */
  public Future<List<JsonObject>> claim(String nodeId) {
    return pool.withTransaction(tx -> tx.query("SELECT pg_advisory_xact_lock(7100001)").execute()
        .compose(v -> tx.preparedQuery("""
                SELECT count(*) FROM jobs WHERE status = 'running' AND provider = 'local' AND node_id = $1""")
            .execute(Tuple.of(nodeId)))
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
                    FROM jobs q WHERE q.status = 'queued' AND q.provider = 'local' AND q.cancel_requested = false),
                  running AS (
                    SELECT owner_user_id, count(*) AS n FROM jobs
                    WHERE status = 'running' AND provider = 'local' GROUP BY owner_user_id)
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
                .compose(v -> selectMany(tx, ids))));
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
