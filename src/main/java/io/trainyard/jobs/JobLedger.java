package io.trainyard.jobs;

import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The one owner of the job lifecycle: the only code that writes {@code jobs.status}. Each transition
 * runs in one transaction (a sweep parent's derived status included), then publishes one
 * {@code job_status_changed} event per changed row, carrying that committed row, then wakes the
 * scheduler at most once. Illegal moves (out of a terminal status, backwards) match no row, because
 * every guard comes from {@link JobStatus#canMoveTo}; such a transition answers empty.
 *
 * <pre>
 *   queue        (new)     -> queued            submission, sweep, rerun, template, batch
 *   claim        queued    -> running | failed  scheduler (failed: its dependency can never succeed)
 *   spawned      running   (pid recorded)       supervisor; answers whether a cancel arrived meanwhile
 *   finish       active    -> success | failed | canceled   supervisor (exit, lost process)
 *   cancel       queued    -> canceled; running: cancel_requested, the exit then finishes it
 *   pending      (new)     -> pending           cloud submission or discovery
 *   cloud apply  active    -> any later status  provider polls and webhooks
 *   settle       pending   -> failed | canceled never-acknowledged cloud submissions
 * </pre>
 */
public final class JobLedger {
  private final Pool pool;
  private final Limits limits;
  private final EventBus bus;
  private final Runnable wake;

  /** @param wake asks the scheduler for a pass; called at most once per transition */
  public JobLedger(Pool pool, Limits limits, EventBus bus, Runnable wake) {
    this.pool = pool;
    this.limits = limits;
    this.bus = bus;
    this.wake = wake;
  }

  // ------------------------------------------------------------------ local jobs

  /** A queued local job to insert. */
  public record NewJob(String jobId, JobType type, long owner, JsonObject params, int priority, String dependsOn,
                       String parentId, String logPath, String artifactsDir) {
  }

  /**
   * Inserts queued jobs (a sweep's parent and shards together) in one statement; they are committed,
   * and durable, when the future completes. Answers their records in order, with queue positions.
   */
  public Future<List<Job>> queue(List<NewJob> batch) {
    int n = batch.size();
    String[] ids = new String[n];
    String[] types = new String[n];
    Long[] owners = new Long[n];
    JsonObject[] params = new JsonObject[n];
    Integer[] priorities = new Integer[n];
    String[] deps = new String[n];
    String[] parents = new String[n];
    String[] logs = new String[n];
    String[] dirs = new String[n];
    for (int i = 0; i < n; i++) {
      NewJob j = batch.get(i);
      ids[i] = j.jobId();
      types[i] = j.type().wire();
      owners[i] = j.owner();
      params[i] = j.params();
      priorities[i] = j.priority();
      deps[i] = j.dependsOn();
      parents[i] = j.parentId();
      logs[i] = j.logPath();
      dirs[i] = j.artifactsDir();
    }
    Tuple args = Tuple.tuple().addArrayOfString(ids).addArrayOfString(types).addArrayOfLong(owners).addArrayOfJsonObject(params).addArrayOfInteger(priorities)
        .addArrayOfString(deps).addArrayOfString(parents).addArrayOfString(logs).addArrayOfString(dirs);
    // A queued job's event shows its place in the queue, so the rows are read back (with the queue
    // columns) inside the same transaction: what is published is what was committed. The read-back
    // costs one pass per owner and priority, not one per job (see READ_QUEUED).
    return pool.withTransaction(tx -> tx.preparedQuery(LedgerSql.INSERT_QUEUED).execute(args)
            .compose(x -> tx.preparedQuery(LedgerSql.READ_QUEUED).execute(Tuple.of(ids))))
        .map(rows -> {
          Map<String, Job> byId = new java.util.HashMap<>();
          rows.forEach(r -> byId.put(r.getString("job_id"), JobRows.toJob(r, limits)));
          return batch.stream().map(j -> byId.get(j.jobId())).toList();
        })
        .onSuccess(jobs -> announce(jobs, true));
  }

  /** What one scheduling pass did: jobs claimed to start here, and jobs failed by their dependency. */
  public record Claim(List<Job> started, List<Job> failed) {
    public boolean isEmpty() {
      return started.isEmpty() && failed.isEmpty();
    }
  }

  /**
   * Claims the queued jobs this node may start now, in one transaction holding a global advisory
   * lock: per-user limits and node capacity are computed from the table itself, so concurrent
   * schedulers (threads or cluster nodes) can never both see the same free slot. The scheduler is
   * the caller, so no wake is sent: it runs another pass itself when this one claimed something.
   */
  public Future<Claim> claim(String nodeId) {
    List<Job> changed = new ArrayList<>();
    return pool.withTransaction(tx -> tx.query("SELECT pg_advisory_xact_lock(7100001)").execute()
        .compose(v -> tx.query(LedgerSql.FAIL_DEAD_DEPENDENCIES).execute())
        .compose(dead -> {
          List<Job> failed = JobRows.all(dead, limits);
          return tx.preparedQuery(LedgerSql.RUNNING_ON_NODE).execute(Tuple.of(nodeId)).compose(rows -> {
            long free = limits.nodeCapacity() - rows.iterator().next().getLong(0);
            Future<List<Job>> started = free <= 0 ? Future.succeededFuture(List.of())
                : tx.preparedQuery(LedgerSql.PICK).execute(Tuple.of(limits.parallel(), limits.serial(), free))
                    .compose(picked -> picked.size() == 0 ? Future.succeededFuture(List.<Job>of())
                        : tx.preparedQuery(LedgerSql.START).execute(Tuple.of(ids(picked), nodeId)).map(claimed -> JobRows.all(claimed, limits)));
            return started.map(s -> new Claim(s, failed));
          });
        })
        .compose(claim -> {
          changed.addAll(claim.failed());
          changed.addAll(claim.started());
          return rollUp(tx, changed).map(claim);
        }))
        .onSuccess(claim -> announce(changed, false));
  }

  /** Records the spawned process; answers whether a cancel arrived meanwhile (empty: job gone or finished). */
  public Future<Optional<Boolean>> spawned(String jobId, long pid, long pidStart) {
    return pool.preparedQuery(LedgerSql.SPAWNED).execute(Tuple.of(jobId, (int) pid, pidStart))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getBoolean(0)));
  }

  /** An active job's outcome: {model_id?, result_id?, result_summary?}, or null. */
  public Future<Optional<Job>> finish(String jobId, JobStatus status, Integer exitCode, String error, JsonObject outcome) {
    if (!status.isTerminal()) {
      return Future.failedFuture(new IllegalArgumentException("finish needs a terminal status, not " + status));
    }
    JsonObject o = outcome == null ? new JsonObject() : outcome;
    Tuple args = Tuple.of(jobId, status.wire(), exitCode, error, o.getString("model_id"), o.getString("result_id"),
        o.getJsonObject("result_summary"));
    return one(LedgerSql.FINISH, args, true);
  }

  /** queued -> canceled in one step; empty if it was no longer queued. */
  public Future<Optional<Job>> cancelQueued(String jobId) {
    return one(LedgerSql.CANCEL_QUEUED, Tuple.of(jobId), true);
  }

  /** Flags a running job as being canceled (its exit then finishes it canceled); empty if not running. */
  public Future<Optional<Job>> requestCancel(String jobId) {
    return one(LedgerSql.REQUEST_CANCEL, Tuple.of(jobId), false);
  }

  /** Flags every queued job of an owner ({@code owner} null = all) so no scheduler claims it (a flush). */
  public Future<Void> holdQueued(Long owner) {
    return pool.preparedQuery(LedgerSql.HOLD_QUEUED).execute(Tuple.of(owner)).mapEmpty();
  }

  /** Marks an active job (a sweep parent, a cloud job) as canceled-by-request while it winds down. */
  public Future<Void> flagCancel(String jobId) {
    return pool.preparedQuery(LedgerSql.FLAG_CANCEL).execute(Tuple.of(jobId)).mapEmpty();
  }

  // ------------------------------------------------------------------ cloud jobs

  /** A cloud submission before the provider has acknowledged it (not announced: nobody has its id yet). */
  public Future<Void> pending(String jobId, String provider, long owner, JsonObject params, String hardware,
                              String logPath, String dir) {
    return pool.preparedQuery(LedgerSql.INSERT_PENDING)
        .execute(Tuple.of(jobId, provider, owner, params, logPath, dir, hardware)).mapEmpty();
  }

  /**
   * A provider job found by a sync, announced as news; false if some local job already has its
   * external id (then nothing was written).
   */
  public Future<Boolean> discovered(String jobId, String provider, long owner, JsonObject params, String externalId,
                                    java.time.OffsetDateTime createdAt, String logPath, String dir) {
    return pool.preparedQuery(LedgerSql.INSERT_DISCOVERED)
        .execute(Tuple.of(jobId, provider, owner, params, externalId, createdAt, logPath, dir))
        .map(rows -> JobRows.all(rows, limits)).onSuccess(list -> announce(list, false)).map(list -> !list.isEmpty());
  }

  /** pending (never acknowledged) -> canceled. */
  public Future<Optional<Job>> cancelUnacknowledged(String jobId) {
    return one(LedgerSql.CANCEL_UNACKNOWLEDGED, Tuple.of(jobId), false);
  }

  /** Submissions whose acknowledgement was never written fail after a while instead of staying pending. */
  public Future<List<Job>> failUnacknowledged(long olderThanSeconds) {
    return pool.preparedQuery(LedgerSql.FAIL_UNACKNOWLEDGED).execute(Tuple.of((double) olderThanSeconds))
        .map(rows -> JobRows.all(rows, limits)).onSuccess(list -> announce(list, false));
  }

  /** A cloud change the provider decided, with the row it committed. */
  public record Applied<U>(U update, Job job, boolean statusChanged) {
  }

  /**
   * Applies a provider's view to a cloud job: {@code decide} maps the stored state to an update (or
   * nothing), {@code next} gives the update's new state, and {@code beforeCommit} runs before the row
   * is written (the log file), so whoever sees new progress also finds the log it came from. Most
   * polls change nothing, so the decision is made on a plain read first and under a row lock only
   * when there is something to write. Publishes a status change; the caller publishes log and progress.
   */
  public <U> Future<Optional<Applied<U>>> applyCloud(String jobId, Function<CloudState, Optional<U>> decide,
                                                     Function<U, CloudState> next,
                                                     Function<U, Future<Void>> beforeCommit) {
    return pool.preparedQuery(LedgerSql.CLOUD_STATE).execute(Tuple.of(jobId)).compose(rows -> {
      if (rows.size() == 0 || decide.apply(cloudState(rows.iterator().next())).isEmpty()) {
        return Future.succeededFuture(Optional.<Applied<U>>empty());
      }
      return pool.withTransaction(tx -> tx.preparedQuery(LedgerSql.CLOUD_STATE + " FOR UPDATE")
          .execute(Tuple.of(jobId)).compose(locked -> {
            if (locked.size() == 0) {
              return Future.succeededFuture(Optional.<Applied<U>>empty());
            }
            CloudState before = cloudState(locked.iterator().next());
            Optional<U> update = decide.apply(before);
            if (update.isEmpty()) {
              return Future.succeededFuture(Optional.<Applied<U>>empty());
            }
            CloudState n = next.apply(update.get());
            return beforeCommit.apply(update.get()).compose(written -> tx.preparedQuery(LedgerSql.CLOUD_APPLY)
                .execute(Tuple.tuple().addString(jobId).addString(n.status()).addString(n.providerStatus())
                    .addString(n.error()).addOffsetDateTime(n.unknownSince()).addLong(n.logBytes())
                    .addOffsetDateTime(n.startedAt()).addOffsetDateTime(n.finishedAt()).addDouble(n.costUsd())
                    .addString(n.stage()).addDouble(n.progress()).addLong(n.etaSeconds()).addString(n.lastLog()))
                .map(r -> JobRows.first(r, limits).map(job -> new Applied<>(update.get(), job, !n.status().equals(before.status())))));
          }));
    }).onSuccess(applied -> applied.filter(Applied::statusChanged).ifPresent(a -> announce(List.of(a.job()), false)));
  }

  /**
   * Slots were freed without a status change: running jobs were deleted (a forced flush) after their
   * processes were killed, so no finish moved them. Wakes the scheduler once.
   */
  public void slotsFreed() {
    wake.run();
  }

  // ------------------------------------------------------------------ commit, publish, wake

  /** One transition's statement in its own transaction, with the sweep parent it may change. */
  private Future<Optional<Job>> one(String sql, Tuple args, boolean mayFreeSlot) {
    List<Job> changed = new ArrayList<>();
    return pool.withTransaction(tx -> tx.preparedQuery(sql).execute(args).compose(rows -> {
      changed.addAll(JobRows.all(rows, limits));
      return rollUp(tx, changed);
    })).map(x -> changed.isEmpty() ? Optional.<Job>empty() : Optional.of(changed.get(0)))
        .onSuccess(job -> announce(changed, mayFreeSlot && job.isPresent()));
  }

  /** Re-derives the status of the sweep parents of {@code changed} shards; adds the parents that moved. */
  private Future<Void> rollUp(SqlClient tx, List<Job> changed) {
    Set<String> parents = new LinkedHashSet<>();
    changed.stream().map(Job::parentId).filter(p -> p != null).forEach(parents::add);
    if (parents.isEmpty()) {
      return Future.succeededFuture();
    }
    String[] ids = parents.toArray(new String[0]);
    return tx.preparedQuery(LedgerSql.LOCK_PARENTS).execute(Tuple.of((Object) ids))
        .compose(x -> tx.preparedQuery(LedgerSql.ROLL_UP_PARENTS).execute(Tuple.of((Object) ids)))
        .map(rows -> {
          changed.addAll(JobRows.all(rows, limits));
          return null;
        });
  }

  /** The one publish site of status changes, and the one wake site. Runs after the commit. */
  private void announce(List<Job> changed, boolean wakeScheduler) {
    changed.forEach(job -> JobEvents.statusChanged(bus, job));
    if (wakeScheduler && !changed.isEmpty()) {
      wake.run();
    }
  }

  private static String[] ids(RowSet<Row> rows) {
    List<String> out = new ArrayList<>();
    rows.forEach(r -> out.add(r.getString(0)));
    return out.toArray(new String[0]);
  }

  private static CloudState cloudState(Row r) {
    return new CloudState(r.getString("status"), r.getString("provider_status"), r.getString("error"),
        r.getOffsetDateTime("unknown_since"), r.getLong("provider_log_bytes"), r.getOffsetDateTime("started_at"),
        r.getOffsetDateTime("finished_at"), r.getDouble("cost_usd"), r.getString("stage"), r.getDouble("progress"),
        r.getLong("eta_seconds"), r.getString("last_log"), r.getString("hardware"));
  }
}
