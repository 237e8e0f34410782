package io.trainyard.supervisor;

import io.trainyard.jobs.Job;
import io.trainyard.jobs.JobLedger;
import io.trainyard.jobs.JobRepository;
import io.trainyard.jobs.JobStatus;
import io.trainyard.jobs.ProcessExit;
import io.trainyard.logs.LogsApi;
import io.trainyard.store.Times;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The OS processes of this node. Each job's program runs under a {@link Keeper} in a session of its
 * own (setsid), so its process group id equals its pid and one signal reaches every descendant; the
 * keeper, outside that group, records the program's exit status in the job's directory. A job keeps
 * its slot (status running) until its program has exited and no member of its group is left. What
 * happens to the job's status is asked of the {@link JobLedger}; this verticle owns only the processes.
 *
 * <p>Jobs outlive the server: a restarted node re-adopts the running jobs whose programs still live
 * (pid plus start time), follows their logs again and records their real outcome from the keeper's
 * status file; a job that ended while no server ran is recorded from that file at start-up. Only a
 * job whose program is gone with no recorded status is settled without one.
 */
public final class SupervisorVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(SupervisorVerticle.class.getName());
  /** How long a claimed job may go without a pid before it counts as lost. */
  private static final long SPAWN_WINDOW_S = 60;

  private final JobRepository jobs;
  private final JobLedger ledger;
  private final Launcher launcher;
  private final String nodeId;
  private final long graceMs;
  private final long sweepMs;
  private long sweepTimer = -1;
  private boolean sweeping;
  /** How often re-adopted jobs (not our children: no exit notification) are checked. */
  private static final long ADOPTED_POLL_MS = 250;
  /** A re-adopted program gone this long without a status file has a dead keeper: settle it without one. */
  private static final long NO_STATUS_GRACE_NS = 2_000_000_000L;
  private long adoptedTimer = -1;
  private boolean pollingAdopted;
  private boolean stopped;
  private final Map<String, Tracked> tracked = new HashMap<>();
  private final Set<String> starting = new HashSet<>();

  /** A live job process. */
  private static final class Tracked {
    final Job job;
    final long pid;
    /** Start time of the program, for a re-adopted job (whose exit is seen by polling); null for our own children. */
    final Long adoptedTicks;
    boolean canceling;
    /** Its exit is being recorded. */
    boolean ending;
    /** A re-adopted program first seen gone without a status file (System.nanoTime), or 0. */
    long goneSince;
    long killTimer = -1;
    final List<Promise<Void>> exitWaiters = new java.util.ArrayList<>();

    Tracked(Job job, long pid, Long adoptedTicks) {
      this.job = job;
      this.pid = pid;
      this.adoptedTicks = adoptedTicks;
    }

    boolean adopted() {
      return adoptedTicks != null;
    }
  }

  public SupervisorVerticle(JobRepository jobs, JobLedger ledger,
                            Launcher launcher, String nodeId, long graceMs) {
    this(jobs, ledger, launcher, nodeId, graceMs, 0);
  }

  /** @param sweepMs how often unsupervised running jobs are looked for and settled (0: never) */
  public SupervisorVerticle(JobRepository jobs, JobLedger ledger,
                            Launcher launcher, String nodeId, long graceMs, long sweepMs) {
    this.sweepMs = sweepMs;
    this.jobs = jobs;
    this.ledger = ledger;
    this.launcher = launcher;
    this.nodeId = nodeId;
    this.graceMs = graceMs;
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    List<Future<?>> live = List.of(
        bus.<JsonObject>consumer(SupervisorApi.start(nodeId), m -> startJob(m.body())).completion(),
        bus.<JsonObject>consumer(SupervisorApi.cancel(nodeId), m -> stop(m, false)).completion(),
        bus.<JsonObject>consumer(SupervisorApi.kill(nodeId), m -> stop(m, true)).completion(),
        bus.<JsonObject>consumer(SupervisorApi.settle(nodeId), this::settle).completion(),
        bus.<JsonObject>consumer(SupervisorApi.release(nodeId), this::release).completion());
    return Future.all(live).compose(v -> reconcile()).onSuccess(v -> {
      if (sweepMs > 0) {
        sweepTimer = vertx.setPeriodic(sweepMs, t -> sweep());
      }
    });
  }

  /**
   * The background sweep: running jobs of this node that no process of ours backs (claimed but never
   * spawned past the spawn window, or whose process is gone) are settled without waiting for someone
   * to open them, so they do not hold their users' slots.
   */
  private void sweep() {
    if (sweeping) {
      return;
    }
    sweeping = true;
    settleUnsupervised(false).onComplete(ar -> {
      sweeping = false;
      if (ar.failed()) {
        LOG.log(Level.FINE, "sweep of unsupervised jobs failed; trying again on the next tick", ar.cause());
      }
    });
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(sweepTimer);
    vertx.cancelTimer(adoptedTimer);
    // Processes outlive a stopping server on purpose; the next start reconciles them.
    return Future.succeededFuture();
  }

  /**
   * Start-up reconciliation of this node's running jobs: one whose program still lives is re-adopted;
   * one whose program ended while no server ran is recorded with the status its keeper wrote; one
   * whose program is gone (or whose pid now names another process) with no status recorded is settled
   * canceled, saying so. A job claimed but not spawned is settled too: its start message went with
   * the previous server.
   */
  private Future<Void> reconcile() {
    return settleUnsupervised(true);
  }

  private void startJob(JsonObject request) {
    String jobId = request.getString("job_id");
    if (tracked.containsKey(jobId) || !starting.add(jobId)) {
      return;
    }
    // The claim's own record, when it came along, spares reading the whole row; one small read still
    // confirms it is claimed here and not started, deleted (a flush) or canceled meanwhile.
    JsonObject record = request.getJsonObject("job");
    Future<Optional<Job>> claimed = record == null ? jobs.find(jobId, null)
        : jobs.awaitingStart(jobId, nodeId).compose(cancel -> {
          if (cancel.isPresent() && cancel.get()) {
            return ledger.finish(jobId, JobStatus.CANCELED, null, "canceled before its process started", null)
                .map(x -> Optional.<Job>empty());
          }
          return Future.succeededFuture(cancel.map(c -> Job.fromJson(record)));
        });
    claimed.compose(found -> {
      if (found.isEmpty() || found.get().status() != JobStatus.RUNNING || !nodeId.equals(found.get().nodeId())) {
        return Future.succeededFuture();
      }
      Job job = found.get();
      return vertx.executeBlocking(() -> {
            Launcher.Launched launched = launcher.launch(job);
            return new Spawned(launched.keeper(), launched.pid(), ProcessGroup.startTicks(launched.pid()).orElse(-1L));
          }, false)
          .compose(spawned -> {
            Tracked t = new Tracked(job, spawned.pid(), null);
            tracked.put(jobId, t);
            var ctx = vertx.getOrCreateContext();
            // The keeper is our child and ends right after the program, with the program's status.
            spawned.keeper().onExit().whenComplete((p, err) -> ctx.runOnContext(x -> onExit(t, p.exitValue())));
            watchLog(job, null);
            // Kept until PostgreSQL takes it: a job whose pid is not recorded cannot be re-adopted.
            return untilWritten("the pid of job " + jobId, () -> ledger.spawned(jobId, spawned.pid(), spawned.startTicks()))
                .map(cancel -> {
              if (cancel.isEmpty() || cancel.get()) {
                beginStop(t, false); // canceled or deleted while it was being spawned
              }
              return null;
            });
          }, err -> ledger.finish(jobId, JobStatus.FAILED, null, "could not start the job program: " + err.getMessage(),
              null).mapEmpty());
    }).onComplete(ar -> {
      starting.remove(jobId);
      if (ar.failed()) {
        LOG.log(Level.WARNING, "starting job " + jobId + " failed", ar.cause());
      }
    });
  }

  /** A spawned program (under its keeper) with its start time (which tells it from a later process reusing its pid). */
  private record Spawned(Process keeper, long pid, long startTicks) {
  }

  /**
   * Follows the job's log. Sent before anything else can happen to the job, so the follower's unwatch
   * (on exit) can never overtake its watch: bus messages between two verticles keep their order.
   * {@code fromOffset}: where a re-adopted job's log is followed from (what was written before went
   * out, or is read over REST); null for a new job (from the start).
   */
  private void watchLog(Job job, Long fromOffset) {
    JsonObject body = new JsonObject().put("job_id", job.id()).put("owner_user_id", job.ownerId())
        .put("log_path", job.logPath()).put("started_at", Times.iso(job.startedAt()));
    if (fromOffset != null) {
      body.put("from_offset", fromOffset);
    }
    vertx.eventBus().send(LogsApi.watch(nodeId), body);
  }

  /**
   * Runs a write the job's state depends on, again and again with backoff (0.2 s doubling to 5 s)
   * while PostgreSQL cannot be reached, so a process that started or ended during an outage is
   * recorded when it returns; the writes of one job stay in order because each waits for the one
   * before. Any other failure is answered at once.
   */
  private <T> Future<T> untilWritten(String what, java.util.function.Supplier<Future<T>> write) {
    return retry(what, write, 200);
  }

  private <T> Future<T> retry(String what, java.util.function.Supplier<Future<T>> write, long delayMs) {
    return write.get().recover(err -> {
      if (stopped || !io.trainyard.store.Outage.is(err)) {
        return Future.failedFuture(err);
      }
      if (delayMs == 200) {
        LOG.warning("database unreachable while recording " + what + "; trying again until it is back (" + err + ")");
      }
      Promise<T> later = Promise.promise();
      vertx.setTimer(delayMs, x -> retry(what, write, Math.min(delayMs * 2, 5000)).onComplete(later));
      return later.future();
    });
  }

  private void stop(Message<JsonObject> msg, boolean now) {
    String jobId = msg.body().getString("job_id");
    Tracked t = tracked.get(jobId);
    if (t != null) {
      if (now) {
        Promise<Void> exited = Promise.promise();
        t.exitWaiters.add(exited);
        exited.future().onComplete(ar -> msg.reply(new JsonObject().put("job_id", jobId)));
      }
      beginStop(t, now);
      if (!now) {
        msg.reply(new JsonObject().put("job_id", jobId));
      }
      return;
    }
    if (starting.contains(jobId)) {
      // The DB already says cancel_requested (or a flush deleted the row); the spawn path reads that
      // when it records the pid, and stops the process.
      msg.reply(new JsonObject().put("job_id", jobId));
      return;
    }
    settleIfGone(jobId).onComplete(ar -> msg.reply(new JsonObject().put("job_id", jobId)));
  }

  private void beginStop(Tracked t, boolean now) {
    if (now) {
      t.canceling = true;
      signal(t.pid, "KILL");
      return;
    }
    if (t.canceling) {
      return;
    }
    t.canceling = true;
    signal(t.pid, "TERM");
    t.killTimer = vertx.setTimer(graceMs, x -> signal(t.pid, "KILL"));
  }

  private void signal(long pid, String name) {
    vertx.executeBlocking(() -> {
      ProcessGroup.signal(pid, name);
      return null;
    }, false);
  }

  /**
   * The direct child exited: wait out the rest of its group and read what it left (off the event
   * loop), let the log follower publish the last lines, then record status, final progress and
   * outputs in one ledger transaction, which frees the slot.
   */
  private void onExit(Tracked t, int exitCode) {
    String jobId = t.job.id();
    t.ending = true;
    vertx.executeBlocking(() -> {
      if (!ProcessGroup.isEmpty(t.pid)) {
        ProcessGroup.signal(t.pid, "TERM");
        ProcessGroup.awaitEmpty(t.pid, graceMs);
      }
      String lastLine = Outcomes.lastLine(t.job.logPath());
      return new ProcessExit(exitCode, t.canceling, lastLine, null, exitCode == 0 ? Outcomes.read(t.job) : null);
    }, false)
        // The follower is released whatever the blocking step met (an unreadable metrics file, /proc
        // trouble): otherwise it would keep watching, and its last lines would never go out.
        .transform(read -> vertx.eventBus().<JsonObject>request(LogsApi.unwatch(nodeId), new JsonObject().put("job_id", jobId))
            .map(reply -> reply.body().getJsonObject("progress"))
            .otherwiseEmpty()
            .compose(progress -> read.failed() ? Future.<ProcessExit>failedFuture(read.cause())
                : Future.succeededFuture(new ProcessExit(exitCode, t.canceling, read.result().error(), progress,
                    read.result().output()))))
        .compose(exit -> untilWritten("the exit of job " + jobId, () -> ledger.exited(jobId, exit)))
        // Whatever else went wrong while recording (unreadable outputs, a refused statement), the
        // process is gone: the job must not stay 'running' holding its user's slot.
        .recover(err -> untilWritten("the exit of job " + jobId, () -> ledger.finish(jobId, JobStatus.FAILED, exitCode,
            "could not record the outcome: " + err.getMessage(), null)))
        .onComplete(ar -> ended(t, ar));
  }

  /** The job's exit is recorded (or could not be): it is no longer ours to watch. */
  private void ended(Tracked t, io.vertx.core.AsyncResult<?> ar) {
    vertx.cancelTimer(t.killTimer);
    tracked.remove(t.job.id());
    if (ar.failed()) {
      LOG.log(Level.SEVERE, "recording the exit of job " + t.job.id() + " failed", ar.cause());
    }
    t.exitWaiters.forEach(Promise::tryComplete);
  }

  /**
   * Takes a running job whose program outlived the previous server back under supervision: its log
   * is followed again from where it stands, a cancel reaches its group as before, and its exit is seen
   * by {@link #pollAdopted} (it is not our child). A cancel asked before the restart is carried on:
   * its SIGKILL timer went with the old server.
   */
  private void adopt(Job job, long ticks, long logSize) {
    Tracked t = new Tracked(job, job.pid(), ticks);
    tracked.put(job.id(), t);
    watchLog(job, logSize);
    LOG.info("re-adopted job " + job.id() + " (pid " + job.pid() + ")");
    if (job.cancelRequested()) {
      beginStop(t, false);
    }
    if (adoptedTimer < 0) {
      adoptedTimer = vertx.setPeriodic(ADOPTED_POLL_MS, x -> pollAdopted());
    }
  }

  /**
   * Re-adopted jobs whose program has exited and whose group is empty are recorded with the status
   * their keeper wrote. A poll, not a file notification: a keeper that was killed writes nothing, and
   * this must see that too; it costs a /proc read per re-adopted job, and only those exist.
   */
  private void pollAdopted() {
    List<Tracked> watched = tracked.values().stream().filter(t -> t.adopted() && !t.ending).toList();
    if (watched.isEmpty()) {
      vertx.cancelTimer(adoptedTimer);
      adoptedTimer = -1;
      return;
    }
    if (pollingAdopted) {
      return;
    }
    pollingAdopted = true;
    vertx.executeBlocking(() -> {
      Map<Tracked, java.util.OptionalInt> gone = new HashMap<>();
      for (Tracked t : watched) {
        if (!ProcessGroup.isSame(t.pid, t.adoptedTicks) && ProcessGroup.isEmpty(t.pid)) {
          gone.put(t, Keeper.recordedStatus(t.job.artifactsDir()));
        }
      }
      return gone;
    }, false).onComplete(ar -> {
      pollingAdopted = false;
      if (ar.failed()) {
        LOG.log(Level.WARNING, "checking re-adopted jobs failed; trying again", ar.cause());
        return;
      }
      long now = System.nanoTime();
      ar.result().forEach((t, status) -> {
        if (status.isPresent()) {
          onExit(t, status.getAsInt());
        } else if (t.goneSince == 0) {
          t.goneSince = now; // its keeper may be writing the status this very moment
        } else if (now - t.goneSince > NO_STATUS_GRACE_NS) {
          t.ending = true;
          vertx.eventBus().request(LogsApi.unwatch(nodeId), new JsonObject().put("job_id", t.job.id()))
              .transform(x -> untilWritten("the end of job " + t.job.id(), () -> ledger.finish(t.job.id(),
                  JobStatus.CANCELED, null, NO_STATUS, null)))
              .onComplete(done -> ended(t, done));
        }
      });
    });
  }

  static final String NO_STATUS = "its process no longer exists and no exit status was recorded";

  private void settle(Message<JsonObject> msg) {
    String jobId = msg.body().getString("job_id");
    if (tracked.containsKey(jobId) || starting.contains(jobId)) {
      msg.reply(new JsonObject().put("job_id", jobId));
      return;
    }
    settleIfGone(jobId).onComplete(ar -> msg.reply(new JsonObject().put("job_id", jobId)));
  }

  /**
   * The ledger already settled these jobs (this node was declared lost): only their processes are
   * left to stop. A tracked one's exit is then recorded as usual, which its settled row ignores.
   */
  private void release(Message<JsonObject> msg) {
    List<JsonObject> gone = new java.util.ArrayList<>();
    int stopped = 0;
    for (Object o : msg.body().getJsonArray("jobs", new io.vertx.core.json.JsonArray())) {
      JsonObject j = (JsonObject) o;
      Tracked t = tracked.get(j.getString("job_id"));
      if (t != null) {
        beginStop(t, true);
        stopped++;
      } else if (j.getLong("pid") != null) {
        gone.add(j);
      }
    }
    int signalled = stopped;
    vertx.executeBlocking(() -> {
      int n = 0;
      for (JsonObject j : gone) {
        long pid = j.getLong("pid");
        if (ProcessGroup.isSame(pid, j.getLong("pid_start"))) {
          ProcessGroup.signal(pid, "KILL");
          n++;
        }
      }
      return n;
    }, false).onComplete(ar -> msg.reply(new JsonObject().put("stopped", signalled + (ar.succeeded() ? ar.result() : 0))));
  }

  /**
   * Settles every running job of this node that no process of ours backs (start-up and the sweep).
   * One job's failure does not stop the others'.
   */
  private Future<Void> settleUnsupervised(boolean atStartup) {
    return jobs.runningOn(nodeId).compose(list -> {
      Future<Void> chain = Future.succeededFuture();
      for (Job job : list) {
        if (job.hasProcess() && !tracked.containsKey(job.id()) && !starting.contains(job.id())) {
          chain = chain.compose(v -> settleGone(job, atStartup).recover(err -> {
            LOG.log(Level.WARNING, "settling job " + job.id() + " failed; trying again later", err);
            return Future.succeededFuture();
          }));
        }
      }
      return chain;
    });
  }

  /** Settles a running job of this node that no process of ours backs (a GET, a cancel, a settle request). */
  private Future<Void> settleIfGone(String jobId) {
    return jobs.find(jobId, null).compose(found -> found.isPresent() && found.get().status() == JobStatus.RUNNING
        && found.get().hasProcess() ? settleGone(found.get(), false) : Future.succeededFuture());
  }

  /**
   * Settles one running job no process of ours backs: re-adopts it if its program still lives,
   * records the status its keeper wrote if it ended, or settles it canceled, saying why. Outside
   * start-up a job claimed a moment ago is left alone: its start message is on its way.
   */
  private Future<Void> settleGone(Job job, boolean atStartup) {
    Integer pid = job.pid();
    if (!atStartup && pid == null && job.startedAt() != null
        && job.startedAt().toInstant().isAfter(java.time.Instant.now().minusSeconds(SPAWN_WINDOW_S))) {
      return Future.succeededFuture();
    }
    if (pid == null) {
      return ledger.finish(job.id(), JobStatus.CANCELED, null, "the server stopped before its process started", null)
          .mapEmpty();
    }
    return jobs.pidStart(job.id()).compose(ticks -> vertx.executeBlocking(() -> {
      // Alive, or its program ended but some descendant still holds the group (and so the slot).
      if (ProcessGroup.isSame(pid, ticks.orElse(null)) || !ProcessGroup.isEmpty(pid)) {
        return new Found(true, ticks.orElse(-1L), null, sizeOf(job.logPath()));
      }
      java.util.OptionalInt status = Keeper.recordedStatus(job.artifactsDir());
      return new Found(false, ticks.orElse(-1L), status.isPresent() ? status.getAsInt() : null, 0);
    }, false)).compose(found -> {
      if (tracked.containsKey(job.id()) || starting.contains(job.id())) {
        return Future.succeededFuture(); // taken care of meanwhile
      }
      if (found.live()) {
        adopt(job, found.ticks(), found.logSize());
        return Future.succeededFuture();
      }
      if (found.status() != null) {
        // Ended while no server watched: recorded like any exit, so a success registers its model.
        Tracked t = new Tracked(job, pid, found.ticks());
        tracked.put(job.id(), t);
        Promise<Void> recorded = Promise.promise();
        t.exitWaiters.add(recorded);
        onExit(t, found.status());
        return recorded.future();
      }
      return ledger.finish(job.id(), JobStatus.CANCELED, null, NO_STATUS, null).mapEmpty();
    });
  }

  /** What the process table and the job's directory say about a job no process of ours backs. */
  private record Found(boolean live, long ticks, Integer status, long logSize) {
  }

  private static long sizeOf(String path) {
    try {
      return path == null ? 0 : java.nio.file.Files.size(Path.of(path));
    } catch (java.io.IOException e) {
      return 0;
    }
  }
}
