package io.trainyard.jobs;

import io.trainyard.domain.DomainException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
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
 *   claim        queued    -> running | failed  scheduler (failed, timer passes: its dependency was deleted)
 *   spawned      running   (pid recorded)       supervisor; answers whether a cancel arrived meanwhile
 *   exited       running   -> success | failed | canceled, with final progress and outputs   supervisor
 *   finish       active    -> success | failed | canceled   supervisor (failed launch, lost process)
 *   dependents   queued    -> failed            in the transaction that failed or canceled their dependency
 *   cancel       queued    -> canceled; running: cancel_requested, the exit then finishes it
 *   pending      (new)     -> pending           cloud submission or discovery
 *   cloud apply  active    -> any later status  provider polls and webhooks
 *   settle       pending   -> failed | canceled never-acknowledged cloud submissions
 *   node lost    running   -> failed            a surviving node, for the jobs of a node whose heartbeat stopped
 * </pre>
 */
public final class JobLedger {
  private final Pool pool;
  private final Limits limits;
  private final EventBus bus;
  private final Runnable wake;
  private final Consumer<Job> announced;
  private static final int ATTEMPTS = 3;
  private final GroupCommit<NewJob, Job> queueWriter = new GroupCommit<>(this::insertQueued, 2000,
      // A statement PostgreSQL refused ends its transaction without a trace; anything else may have committed.
      err -> err instanceof io.vertx.pgclient.PgException || err instanceof DomainException);

  /** @param wake asks the scheduler for a pass; called at most once per transition */
  public JobLedger(Pool pool, Limits limits, EventBus bus, Runnable wake) {
    this(pool, limits, bus, wake, job -> { });
  }

  /** @param announced sees every committed change as it is published (metrics) */
  public JobLedger(Pool pool, Limits limits, EventBus bus, Runnable wake, Consumer<Job> announced) {
    this.pool = pool;
    this.limits = limits;
    this.bus = bus;
    this.wake = wake;
    this.announced = announced;
  }

  // ------------------------------------------------------------------ local jobs

  /** A queued local job to insert. */
  public record NewJob(String jobId, JobType type, long owner, JsonObject params, int priority, String dependsOn,
                       String parentId, String logPath, String artifactsDir) {
  }

  /**
   * Inserts queued jobs (a sweep's parent and shards together, or a batch) in one statement; they are
   * committed, and durable, when the future completes. Answers their records in order, with queue
   * positions. Concurrent calls share a transaction (see {@link GroupCommit}).
   */
  public Future<List<Job>> queue(List<NewJob> batch) {
    return queueWriter.submit(batch);
  }

  /** One group of submissions: insert, fail those whose dependency already ended, read back, publish. */
  private Future<List<Job>> insertQueued(List<NewJob> batch) {
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
    boolean anyDependency = false;
    for (int i = 0; i < n; i++) {
      NewJob j = batch.get(i);
      ids[i] = j.jobId();
      types[i] = j.type().wire();
      owners[i] = j.owner();
      params[i] = j.params();
      priorities[i] = j.priority();
      deps[i] = j.dependsOn();
      anyDependency |= j.dependsOn() != null;
      parents[i] = j.parentId();
      logs[i] = j.logPath();
      dirs[i] = j.artifactsDir();
    }
    Tuple args = Tuple.tuple().addArrayOfString(ids).addArrayOfString(types).addArrayOfLong(owners).addArrayOfJsonObject(params).addArrayOfInteger(priorities)
        .addArrayOfString(deps).addArrayOfString(parents).addArrayOfString(logs).addArrayOfString(dirs);
    boolean checkDependencies = anyDependency;
    // A queued job's event shows its place in the queue, so the rows are read back (with the queue
    // columns) inside the same transaction: what is published is what was committed. Positions are
    // counted from the back of each queue, for all new jobs in one walk (READ_QUEUED), so the
    // read-back costs what the write holds, however long the queue is.
    // Dependencies are share-locked first: a dependency failing at this moment then either commits
    // before the check below (which sees it) or waits for this insert (and its own dependents step
    // sees these jobs). Taken before the insert's counter rows, as a finish takes its row first.
    String[] dependencies = java.util.Arrays.stream(deps).filter(java.util.Objects::nonNull).distinct().sorted()
        .toArray(String[]::new);
    return inTransaction(new ArrayList<>(), tx -> (checkDependencies
            ? tx.preparedQuery(LedgerSql.LOCK_DEPENDENCIES).execute(Tuple.of((Object) dependencies)).mapEmpty()
            : Future.<Void>succeededFuture())
            .compose(locked -> tx.preparedQuery(LedgerSql.INSERT_QUEUED).execute(args))
            .compose(x -> checkDependencies ? failDeadAmong(tx, ids) : Future.succeededFuture())
            .compose(x -> tx.preparedQuery(LedgerSql.READ_QUEUED).execute(Tuple.of(ids))))
        .map(rows -> {
          Map<String, Job> byId = new java.util.HashMap<>();
          rows.forEach(r -> byId.put(r.getString("job_id"), JobRows.toJob(r, limits)));
          return batch.stream().map(j -> byId.get(j.jobId())).toList();
        })
        .onSuccess(jobs -> announce(jobs, true));
  }

  /** A dependency may have ended before its dependent was submitted: such a job fails at once. */
  private Future<Void> failDeadAmong(SqlClient tx, String[] ids) {
    return tx.preparedQuery(LedgerSql.FAIL_DEAD_AMONG).execute(Tuple.of((Object) ids))
        .compose(dead -> consequences(tx, new ArrayList<>(JobRows.all(dead, limits)), 0));
  }

  /** What one scheduling pass did: jobs claimed to start here, and jobs failed by their dependency. */
  public record Claim(List<Job> started, List<Job> failed) {
    public boolean isEmpty() {
      return started.isEmpty() && failed.isEmpty();
    }
  }

  /**
   * Claims the queued jobs this node may start now, in one transaction holding a global advisory
   * lock: per-user limits and node capacity are computed from the table itself, after the lock is
   * held, so concurrent schedulers (threads or cluster nodes) can never both see the same free slot.
   * The scheduler is the caller, so no wake is sent: it runs another pass itself when this one
   * claimed something. {@code sweepDeadDependencies} (the timer pass) also fails queued jobs whose
   * dependency was deleted after it succeeded (the only case not caught as it happens), and finds the
   * waiting users from the queue index rather than from the trigger-kept counts.
   */
  public Future<Claim> claim(String nodeId, boolean sweepDeadDependencies) {
    List<Job> changed = new ArrayList<>();
    return inTransaction(changed, tx -> tx.query("SELECT pg_advisory_xact_lock(7100001)").execute()
        .compose(v -> sweepDeadDependencies ? tx.query(LedgerSql.FAIL_DEAD_DEPENDENCIES).execute()
            .map(dead -> JobRows.all(dead, limits)) : Future.succeededFuture(List.<Job>of()))
        .compose(failed -> tx.preparedQuery(sweepDeadDependencies ? LedgerSql.CLAIM_BY_INDEX : LedgerSql.CLAIM_BY_COUNTS)
            .execute(Tuple.tuple().addInteger(limits.parallel()).addInteger(limits.serial())
                .addInteger(limits.nodeCapacity()).addString(nodeId)
                .addArrayOfString(limits.inventory().gpus().toArray(new String[0]))
                .addLong((long) limits.inventory().cpus()).addLong(limits.inventory().memoryMb()))
            .map(started -> new Claim(JobRows.all(started, limits), failed)))
        .compose(claim -> {
          changed.addAll(claim.failed());
          changed.addAll(claim.started());
          return consequences(tx, changed, 0).map(claim);
        }))
        .onSuccess(claim -> announce(changed, false));
  }

  /** Nodes a survivor declared lost, and the running jobs of theirs that it failed. */
  public record NodesLost(List<String> nodes, List<Job> failed) {
  }

  /**
   * A surviving node ({@code survivor}) declares lost every other node whose heartbeat is older than
   * {@code timeoutSeconds} and whose cluster member id is not among {@code liveMembers} (a member the
   * cluster manager still sees is slow to reach the database, not dead), and fails their running jobs
   * ({@code error: "node <id> was lost"}) in the same transaction: a node is never lost without its
   * jobs settled, nor the other way round. It holds
   * the claim's advisory lock, so a claim made by a node at the moment it is declared lost cannot slip
   * in between. Marking a row 'lost' is atomic, so of several survivors exactly one settles each job;
   * the freed slots wake the scheduler.
   */
  public Future<NodesLost> nodesLost(String survivor, double timeoutSeconds, List<String> liveMembers) {
    Tuple args = Tuple.of(survivor, timeoutSeconds, liveMembers.toArray(new String[0]));
    // Every node asks on every heartbeat and nearly always nobody is lost: a plain read answers that
    // without taking the lock the claims need.
    return pool.preparedQuery(LedgerSql.ANY_NODE_LOST).execute(args).compose(rows -> rows.iterator().next().getBoolean(0)
        ? declareLost(args) : Future.succeededFuture(new NodesLost(List.of(), List.of())));
  }

  private Future<NodesLost> declareLost(Tuple args) {
    List<Job> changed = new ArrayList<>();
    return inTransaction(changed, tx -> tx.query("SELECT pg_advisory_xact_lock(7100001)").execute()
        .compose(v -> tx.preparedQuery(LedgerSql.MARK_NODES_LOST).execute(args))
        .compose(lost -> {
          String[] nodes = new String[lost.size()];
          int i = 0;
          for (Row r : lost) {
            nodes[i++] = r.getString(0);
          }
          if (nodes.length == 0) {
            return Future.succeededFuture(new NodesLost(List.of(), List.of()));
          }
          return tx.preparedQuery(LedgerSql.FAIL_ON_LOST_NODES).execute(Tuple.of((Object) nodes)).compose(rows -> {
            changed.addAll(JobRows.all(rows, limits));
            List<Job> failed = List.copyOf(changed);
            return consequences(tx, changed, 0).map(new NodesLost(List.of(nodes), failed));
          });
        }))
        .onSuccess(lost -> announce(changed, true));
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

  /**
   * A running job's process exited (supervisor): success, failed or canceled as the facts say, with
   * its final progress and outputs, in one transaction; one event per changed row, one wake.
   */
  public Future<Optional<Job>> exited(String jobId, ProcessExit exit) {
    if (exit.exitCode() == 0) {
      return finished(jobId, exit);
    }
    // A failure with attempts left goes back to the queue as its next attempt; anything else ends it.
    Tuple retry = Tuple.of(jobId, exit.exitCode(), exit.canceling(),
        exit.error() == null ? "exited with code " + exit.exitCode() : exit.error());
    return one(LedgerSql.RETRY, retry, true).compose(again -> again.isPresent()
        ? Future.succeededFuture(again) : finished(jobId, exit));
  }

  private Future<Optional<Job>> finished(String jobId, ProcessExit exit) {
    JsonObject p = exit.progressOrEmpty();
    ProcessExit.Output o = exit.output() == null ? ProcessExit.Output.NONE : exit.output();
    Tuple args = Tuple.tuple().addString(jobId).addInteger(exit.exitCode()).addBoolean(exit.canceling())
        .addString(exit.error() == null ? "exited with code " + exit.exitCode() : exit.error())
        .addString(p.getString("stage")).addDouble(p.getDouble("progress")).addLong(p.getLong("eta_seconds"))
        .addString(p.getString("last_log"))
        .addString(o.modelId()).addString(o.modelPath()).addJsonObject(o.metrics())
        .addString(o.resultId()).addString(o.resultPath()).addInteger(o.rows())
        .addJsonObject(o.summary());
    return one(LedgerSql.EXITED, args, true);
  }

  /**
   * This node's running jobs past their time limit are flagged to stop (like a cancel, with
   * stop_reason 'timeout'); their exit then ends them failed. Announced, as a cancel request is.
   */
  public Future<List<Job>> timeOut(String nodeId) {
    return pool.preparedQuery(LedgerSql.TIME_OUT).execute(Tuple.of(nodeId))
        .map(rows -> JobRows.all(rows, limits)).onSuccess(list -> announce(list, false));
  }

  /** queued -> canceled in one step; empty if it was no longer queued. */
  public Future<Optional<Job>> cancelQueued(String jobId) {
    return one(LedgerSql.CANCEL_QUEUED, Tuple.of(jobId), true);
  }

  /** Flags a running job as being canceled (its exit then finishes it canceled); empty if not running. */
  public Future<Optional<Job>> requestCancel(String jobId) {
    return one(LedgerSql.REQUEST_CANCEL, Tuple.of(jobId), false);
  }

  /**
   * Flags every queued job of an owner ({@code owner} null = all) so no scheduler claims it (a flush);
   * answers the ids it flagged, for {@link #releaseHeld}.
   */
  public Future<List<String>> holdQueued(Long owner) {
    return pool.preparedQuery(LedgerSql.HOLD_QUEUED).execute(Tuple.of(owner)).map(rows -> {
      List<String> ids = new ArrayList<>();
      rows.forEach(r -> ids.add(r.getString(0)));
      return ids;
    });
  }

  /**
   * Gives the held jobs a flush did not delete back to the scheduler, exactly as they were (a flush
   * that stopped half-way must not leave queued jobs flagged to be canceled, which no claim takes).
   */
  public Future<Void> releaseHeld(List<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery(LedgerSql.RELEASE_HELD).execute(Tuple.of((Object) ids.toArray(new String[0])))
        .map(rows -> {
          if (rows.rowCount() > 0) {
            wake.run();
          }
          return null;
        });
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
    List<Job> changed = new ArrayList<>();
    return inTransaction(changed, tx -> tx.preparedQuery(LedgerSql.FAIL_UNACKNOWLEDGED).execute(Tuple.of((double) olderThanSeconds))
            .compose(rows -> {
              changed.addAll(JobRows.all(rows, limits));
              return consequences(tx, changed, 0).map(List.copyOf(changed));
            }))
        .onSuccess(list -> announce(list, false));
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
    List<Job> changed = new ArrayList<>();
    return pool.preparedQuery(LedgerSql.CLOUD_STATE).execute(Tuple.of(jobId)).compose(rows -> {
      if (rows.size() == 0 || decide.apply(cloudState(rows.iterator().next())).isEmpty()) {
        return Future.succeededFuture(Optional.<Applied<U>>empty());
      }
      return inTransaction(changed, tx -> tx.preparedQuery(LedgerSql.CLOUD_STATE + " FOR UPDATE")
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
                .compose(r -> {
                  Optional<Applied<U>> applied = JobRows.first(r, limits)
                      .map(job -> new Applied<>(update.get(), job, !n.status().equals(before.status())));
                  applied.filter(Applied::statusChanged).ifPresent(a -> changed.add(a.job()));
                  return consequences(tx, changed, 0).map(applied);
                }));
          }));
    }).onSuccess(applied -> announce(changed, false));
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
    return inTransaction(changed, tx -> tx.preparedQuery(sql).execute(args).compose(rows -> {
      changed.addAll(JobRows.all(rows, limits));
      return consequences(tx, changed, 0);
    })).map(x -> changed.isEmpty() ? Optional.<Job>empty() : Optional.of(changed.get(0)))
        .onSuccess(job -> announce(changed, mayFreeSlot && job.isPresent()));
  }

  /**
   * What a transition implies in the same transaction, for the rows changed from index {@code from}
   * on: the queued dependents of jobs that failed or were canceled fail too, then the sweep parents
   * of changed shards are re-derived. A parent that failed in turn has dependents of its own, hence
   * the repeat over what was added (a sweep nests one level, so this ends after a round or two).
   */
  private Future<Void> consequences(SqlClient tx, List<Job> changed, int from) {
    List<Job> fresh = List.copyOf(changed.subList(from, changed.size()));
    if (fresh.isEmpty()) {
      return Future.succeededFuture();
    }
    int next = changed.size();
    String[] ended = fresh.stream().filter(j -> j.status() == JobStatus.FAILED || j.status() == JobStatus.CANCELED)
        .map(Job::id).toArray(String[]::new);
    Future<Void> dependents = ended.length == 0 ? Future.succeededFuture()
        : tx.preparedQuery(LedgerSql.FAIL_DEPENDENTS).execute(Tuple.of((Object) ended))
            .map(rows -> {
              changed.addAll(JobRows.all(rows, limits));
              return null;
            });
    return dependents.compose(v -> rollUp(tx, changed, from))
        .compose(v -> changed.size() > next ? consequences(tx, changed, next) : Future.succeededFuture());
  }

  /** Re-derives the status of the sweep parents of shards changed from index {@code from}; adds the parents that moved. */
  private Future<Void> rollUp(SqlClient tx, List<Job> changed, int from) {
    Set<String> parents = new LinkedHashSet<>();
    changed.subList(from, changed.size()).stream().map(Job::parentId).filter(p -> p != null).forEach(parents::add);
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

  /**
   * Runs {@code work} in a transaction, again (at most {@link #ATTEMPTS} times in all) when PostgreSQL
   * aborted it to break a deadlock or a serialization conflict: such an abort changed nothing, and
   * the same work usually passes at once. {@code changed} collects the rows of the attempt that
   * commits. A conflict that persists is answered as "unavailable" (503), never as an internal error.
   */
  private <T> Future<T> inTransaction(List<Job> changed, Function<SqlConnection, Future<T>> work) {
    return attempt(changed, work, 1);
  }

  private <T> Future<T> attempt(List<Job> changed, Function<SqlConnection, Future<T>> work, int n) {
    return pool.withTransaction(tx -> {
      changed.clear();
      return work.apply(tx);
    }).recover(err -> {
      if (!transientConflict(err)) {
        return Future.failedFuture(err);
      }
      return n < ATTEMPTS ? attempt(changed, work, n + 1)
          : Future.failedFuture(new DomainException(DomainException.Kind.UNAVAILABLE,
              "The database is busy with conflicting changes; try again"));
    });
  }

  /** A deadlock (40P01) or serialization failure (40001): the transaction was rolled back whole. */
  static boolean transientConflict(Throwable err) {
    return err instanceof io.vertx.pgclient.PgException pg
        && ("40P01".equals(pg.getSqlState()) || "40001".equals(pg.getSqlState()));
  }

  /** The one publish site of status changes, and the one wake site. Runs after the commit. */
  private void announce(List<Job> changed, boolean wakeScheduler) {
    changed.forEach(job -> {
      JobEvents.statusChanged(bus, job);
      announced.accept(job);
    });
    if (wakeScheduler && !changed.isEmpty()) {
      wake.run();
    }
  }

  private static CloudState cloudState(Row r) {
    return new CloudState(r.getString("status"), r.getString("provider_status"), r.getString("error"),
        r.getOffsetDateTime("unknown_since"), r.getLong("provider_log_bytes"), r.getOffsetDateTime("started_at"),
        r.getOffsetDateTime("finished_at"), r.getDouble("cost_usd"), r.getString("stage"), r.getDouble("progress"),
        r.getLong("eta_seconds"), r.getString("last_log"), r.getString("hardware"));
  }
}
