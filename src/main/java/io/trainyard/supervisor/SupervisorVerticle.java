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
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The OS processes of this node. Each job runs in its own session (setsid), so its process group id
 * equals its pid and one signal reaches every descendant. A job keeps its slot (status running) until
 * its direct child has exited and no member of its group is left. What happens to the job's status
 * is asked of the {@link JobLedger}; this verticle owns only the processes.
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
  private final Map<String, Tracked> tracked = new HashMap<>();
  private final Set<String> starting = new HashSet<>();

  /** A live job process. */
  private static final class Tracked {
    final Job job;
    final long pid;
    boolean canceling;
    long killTimer = -1;
    final List<Promise<Void>> exitWaiters = new java.util.ArrayList<>();

    Tracked(Job job, long pid) {
      this.job = job;
      this.pid = pid;
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
    vertx.cancelTimer(sweepTimer);
    // Processes outlive a stopping server on purpose; the next start reconciles them.
    return Future.succeededFuture();
  }

  /**
   * Start-up reconciliation: a running job of this node whose process is gone, or whose pid now
   * names another process, is settled canceled. A job process that is still alive cannot be waited
   * on by this new server (it is not our child, so its exit code is lost); its tree is stopped and
   * the job canceled, which keeps slot accounting exact. A job claimed but not spawned is settled
   * too: its start message went with the previous server.
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
            Process proc = launcher.launch(job);
            return new Spawned(proc, ProcessGroup.startTicks(proc.pid()).orElse(-1L));
          }, false)
          .compose(spawned -> {
            Process proc = spawned.process();
            Tracked t = new Tracked(job, proc.pid());
            tracked.put(jobId, t);
            var ctx = vertx.getOrCreateContext();
            proc.onExit().whenComplete((p, err) -> ctx.runOnContext(x -> onExit(t, p.exitValue())));
            // Sent before anything else can happen to the job, so the follower's unwatch (on exit) can
            // never overtake its watch: bus messages between two verticles keep their order.
            vertx.eventBus().send(LogsApi.watch(nodeId), new JsonObject().put("job_id", jobId)
                .put("owner_user_id", job.ownerId()).put("log_path", job.logPath())
                .put("started_at", Times.iso(job.startedAt())));
            return ledger.spawned(jobId, proc.pid(), spawned.startTicks()).map(cancel -> {
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

  /** A spawned process with its start time (which tells it from a later process reusing its pid). */
  private record Spawned(Process process, long startTicks) {
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
        .compose(exit -> ledger.exited(jobId, exit))
        // Whatever went wrong while recording (unreadable outputs, a database hiccup), the process is
        // gone: the job must not stay 'running' holding its user's slot.
        .recover(err -> ledger.finish(jobId, JobStatus.FAILED, exitCode, "could not record the outcome: " + err.getMessage(),
            null))
        .onComplete(ar -> {
          vertx.cancelTimer(t.killTimer);
          tracked.remove(jobId);
          if (ar.failed()) {
            LOG.log(Level.SEVERE, "recording the exit of job " + jobId + " failed", ar.cause());
          }
          t.exitWaiters.forEach(Promise::tryComplete);
        });
  }

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
   * Settles one running job no process of ours backs, saying why. Outside start-up a job claimed a
   * moment ago is left alone: its start message is on its way.
   */
  private Future<Void> settleGone(Job job, boolean atStartup) {
    Integer pid = job.pid();
    if (!atStartup && pid == null && job.startedAt() != null
        && job.startedAt().toInstant().isAfter(java.time.Instant.now().minusSeconds(SPAWN_WINDOW_S))) {
      return Future.succeededFuture();
    }
    return jobs.pidStart(job.id()).compose(ticks -> vertx.executeBlocking(() -> {
      if (pid == null) {
        return "the server stopped before its process started";
      }
      if (ProcessGroup.isSame(pid, ticks.orElse(null))) {
        // Alive but not ours (a restarted server is not its parent): stop it so the slot can free.
        ProcessGroup.signal(pid, "TERM");
        ProcessGroup.awaitEmpty(pid, graceMs);
        return atStartup ? "the server restarted while it ran; its process tree was stopped"
            : "its process was not supervised by this server and was stopped";
      }
      return "its process no longer exists (the server restarted while it ran)";
    }, false)).compose(reason -> ledger.finish(job.id(), JobStatus.CANCELED, null, reason, null)).mapEmpty();
  }
}
