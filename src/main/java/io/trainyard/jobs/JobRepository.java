package io.trainyard.jobs;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads of the jobs table, plus writes that are not lifecycle transitions (progress, deletes). Every
 * status change goes through {@link JobLedger}.
 */
public final class JobRepository {
  /**
   * The JobRecord's columns, and nothing else the table holds (pid start time, provider bookkeeping):
   * every read of jobs as records, lists included, decodes only what the record shows.
   */
  static final String RECORD_COLUMNS = """
      j.job_id, j.job_type, j.provider, j.status, j.owner_user_id, j.params, j.priority, j.depends_on, j.parent_id,
      j.cancel_requested, j.created_at, j.started_at, j.finished_at, j.updated_at, j.archived_at, j.pid, j.node_id,
      j.exit_code, j.error, j.log_path, j.artifacts_dir, j.stage, j.progress, j.eta_seconds, j.last_log, j.model_id,
      j.result_id, j.result_summary, j.external_id, j.cost_usd, j.hardware, j.assigned_gpus, j.attempt, j.attempts""";

  /**
   * Record columns plus what the queue fields are derived from, computed for queued rows only (the
   * owner's mode too: most rows of a list are not queued and need no join). {@code %1$s} is the queue
   * position expression, {@code %2$s} any join it needs.
   */
  private static final String SELECT_TEMPLATE = "SELECT " + RECORD_COLUMNS + """
      ,
        CASE WHEN j.status = 'queued' THEN (SELECT u.schedule_mode FROM users u WHERE u.id = j.owner_user_id)
          END AS owner_mode,
        CASE WHEN j.status = 'queued' AND j.job_type <> 'sweep' AND j.provider = 'local'
          THEN %1$s END AS queue_position,
        CASE WHEN j.status = 'queued' THEN (SELECT count(*) FROM jobs r
          WHERE r.owner_user_id = j.owner_user_id AND r.status = 'running' AND r.provider = 'local'
            AND r.job_type <> 'sweep') END AS user_running,
        CASE WHEN j.status = 'queued' THEN (SELECT count(*) FROM jobs n
          WHERE n.status = 'running' AND n.provider = 'local' AND n.job_type <> 'sweep') END AS all_running,
        CASE WHEN j.status = 'queued' AND j.not_before IS NOT NULL
          THEN extract(epoch FROM j.not_before - clock_timestamp())::float8 END AS retry_in,
        CASE WHEN j.status = 'queued' AND (j.params->'resources'->>'gpus')::int > 0 THEN (SELECT
          coalesce(sum(cardinality(g.assigned_gpus)), 0) FROM jobs g WHERE g.status = 'running' AND g.provider = 'local'
            AND g.job_type <> 'sweep') END AS gpus_busy,
        CASE WHEN j.status = 'queued' AND j.depends_on IS NOT NULL THEN
          coalesce((SELECT d.status FROM jobs d WHERE d.job_id = j.depends_on), 'missing') END AS dep_status
      FROM jobs j %2$s
      """;

  /** Rows as records; queue_position() counts from the nearer end of the owner's queue (migration V005). */
  static final String SELECT = select("queue_position(j.owner_user_id, j.priority, j.created_at, j.job_id)", "");

  /** The record's columns with the given queue position expression and the join it reads from. */
  static String select(String position, String join) {
    return SELECT_TEMPLATE.formatted(position, join);
  }

  private static final String ACTIVE = JobStatus.sql(JobStatus.active());
  /** A searched list counts at most this many matches ({@code total_capped} says when there are more). */
  static final long SEARCH_COUNT_CAP = 10_000;

  private final Pool pool;
  private final Limits limits;

  public JobRepository(Pool pool, Limits limits) {
    this.pool = pool;
    this.limits = limits;
  }

  public Pool pool() {
    return pool;
  }

  /** A job named as a dependency: its type, and the length of its dependency chain (itself included). */
  public record Dependency(JobType type, int chainLength, boolean cycle) {
  }

  /**
   * The jobs among {@code ids} the viewer may see ({@code viewer} null = any owner), each with its
   * chain followed for at most {@code max} hops. One query for any number of ids, so a batch of
   * submissions costs one round trip here however many of its entries name a dependency.
   */
  public Future<Map<String, Dependency>> dependencies(Collection<String> ids, Long viewer, int max) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return pool.preparedQuery("""
            WITH RECURSIVE chain(start, job_id, depends_on, depth) AS (
              SELECT job_id, job_id, depends_on, 1 FROM jobs
              WHERE job_id = ANY($1) AND ($2::bigint IS NULL OR owner_user_id = $2)
              UNION ALL
              SELECT c.start, j.job_id, j.depends_on, c.depth + 1 FROM jobs j JOIN chain c ON j.job_id = c.depends_on
              WHERE c.depth < $3)
            SELECT c.start, s.job_type, count(*) AS hops, count(DISTINCT c.job_id) AS distinct_hops
            FROM chain c JOIN jobs s ON s.job_id = c.start GROUP BY c.start, s.job_type""")
        .execute(Tuple.of(ids.toArray(new String[0]), viewer, max))
        .map(rows -> {
          Map<String, Dependency> out = new HashMap<>();
          // A chain that meets a job twice is a cycle (it then runs to the hop limit).
          rows.forEach(r -> out.put(r.getString(0), new Dependency(JobType.of(r.getString(1)),
              r.getLong(2).intValue(), r.getLong(3) < r.getLong(2))));
          return out;
        });
  }

  /** A sweep's shards, in creation order. */
  public Future<List<Job>> shards(String parentId) {
    return pool.preparedQuery(SELECT + " WHERE j.parent_id = $1 ORDER BY j.created_at, j.job_id")
        .execute(Tuple.of(parentId)).map(rows -> JobRows.all(rows, limits));
  }

  /** A job the viewer may see ({@code viewer} null = any owner). */
  /** How many local jobs of the user wait in the queue (kept by triggers in queue_counts). */
  public Future<Long> queuedCount(long owner) {
    return pool.preparedQuery("SELECT coalesce(sum(n), 0)::bigint FROM queue_counts WHERE owner_user_id = $1")
        .execute(Tuple.of(owner)).map(rows -> rows.iterator().next().getLong(0));
  }

  /** Which of the ids name jobs the viewer may see (null viewer: an admin, every existing one). */
  public Future<Set<String>> visible(Collection<String> ids, Long viewer) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    return pool.preparedQuery("SELECT job_id FROM jobs WHERE job_id = ANY($1) AND ($2::bigint IS NULL OR owner_user_id = $2)")
        .execute(Tuple.of(ids.toArray(new String[0]), viewer))
        .map(rows -> {
          Set<String> out = new java.util.HashSet<>();
          rows.forEach(r -> out.add(r.getString(0)));
          return out;
        });
  }

  public Future<Optional<Job>> find(String jobId, Long viewer) {
    return pool.preparedQuery(SELECT + " WHERE j.job_id = $1 AND ($2::bigint IS NULL OR j.owner_user_id = $2)")
        .execute(Tuple.of(jobId, viewer))
        .map(rows -> JobRows.first(rows, limits));
  }

  /** One page, newest first, with the total of the filter. */
  public Future<JsonObject> list(JobFilter f) {
    Tuple args = Tuple.tuple();
    String where = f.where(args);
    String page = SELECT + where + f.orderBy() + " LIMIT " + f.limit() + " OFFSET " + f.offset();
    Tuple countArgs = Tuple.tuple();
    // A search has no kept count: its rows are counted, up to a cap, so a broad term stays cheap.
    String count = f.countable() ? "SELECT coalesce(sum(n), 0)::bigint FROM job_counts" + f.countWhere(countArgs)
        : "SELECT count(*) FROM (SELECT 1 FROM jobs j" + f.where(countArgs) + " LIMIT " + (SEARCH_COUNT_CAP + 1) + ") s";
    // Page and total on two connections at once: the total never waits for the page.
    Future<RowSet<Row>> totalRows = pool.preparedQuery(count).execute(countArgs);
    return pool.preparedQuery(page).execute(args).compose(rows ->
        totalRows.map(c -> {
          List<JsonObject> items = new ArrayList<>(rows.size());
          Row last = null;
          for (Row r : rows) {
            items.add(JobRows.toJob(r, limits).toJson());
            last = r;
          }
          long counted = c.iterator().next().getLong(0);
          boolean capped = !f.countable() && counted > SEARCH_COUNT_CAP;
          String next = f.sort().isDefault() && rows.size() == f.limit() && last != null
              ? new JobFilter.Cursor(last.getOffsetDateTime("created_at"), last.getString("job_id")).encode() : null;
          return new JsonObject()
              .put("items", new io.vertx.core.json.JsonArray(items))
              .put("total", capped ? SEARCH_COUNT_CAP : counted)
              .put("total_capped", capped)
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
          for (JobStatus s : JobStatus.values()) {
            out.put(s.wire(), 0L);
          }
          for (Row r : rows) {
            out.put(r.getString(0), r.getLong(1));
            total += r.getLong(1);
          }
          return out.put("total", total);
        });
  }

  /** Unarchived jobs of one status and type. */
  public record StatusCount(String status, String jobType, long count) {
  }

  /** Unarchived jobs per status and type, from the trigger-kept counts (every user). */
  public Future<List<StatusCount>> countsByStatusAndType() {
    return pool.query("SELECT status, job_type, sum(n)::bigint FROM job_counts WHERE NOT archived GROUP BY 1, 2")
        .execute()
        .map(rows -> {
          List<StatusCount> out = new ArrayList<>();
          rows.forEach(r -> out.add(new StatusCount(r.getString(0), r.getString(1), r.getLong(2))));
          return out;
        });
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
  public Future<List<Job>> runningOn(String nodeId) {
    return pool.preparedQuery(SELECT + " WHERE j.status = 'running' AND j.provider = 'local' AND j.node_id = $1")
        .execute(Tuple.of(nodeId)).map(rows -> JobRows.all(rows, limits));
  }

  /**
   * Whether a job claimed by {@code nodeId} still waits for its process: present (with its
   * cancel_requested flag) only while it is running there with no pid recorded yet.
   */
  public Future<Optional<Boolean>> awaitingStart(String jobId, String nodeId) {
    return pool.preparedQuery("""
            SELECT cancel_requested FROM jobs WHERE job_id = $1 AND status = 'running' AND node_id = $2 AND pid IS NULL""")
        .execute(Tuple.of(jobId, nodeId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getBoolean(0)));
  }

  /** Pid start time of a job, for telling its process from an unrelated one with a reused pid. */
  public Future<Optional<Long>> pidStart(String jobId) {
    return pool.preparedQuery("SELECT pid_start FROM jobs WHERE job_id = $1").execute(Tuple.of(jobId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.ofNullable(rows.iterator().next().getLong(0)));
  }

  /** Ids (and artifacts dirs) of the jobs a flush covers. */
  public Future<List<Job>> forFlush(Long owner, boolean all) {
    String where = all ? "TRUE" : "j.status IN " + ACTIVE;
    return pool.preparedQuery(SELECT + " WHERE " + where + " AND ($1::bigint IS NULL OR j.owner_user_id = $1)")
        .execute(Tuple.of(owner)).map(rows -> JobRows.all(rows, limits));
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
}
