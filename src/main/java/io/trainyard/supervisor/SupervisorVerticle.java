package io.trainyard.supervisor;

import io.trainyard.jobs.JobEvents;
import io.trainyard.jobs.JobRepository;
import io.trainyard.jobs.ModelRepository;
import io.trainyard.jobs.ResultRepository;
import io.trainyard.logs.LogsApi;
import io.trainyard.scheduler.SchedulerApi;
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
 * its direct child has exited and no member of its group is left.
 */
public final class SupervisorVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(SupervisorVerticle.class.getName());

  private final JobRepository jobs;
  private final ModelRepository models;
  private final ResultRepository results;
  private Outcomes outcomes;
  private final Launcher launcher;
  private final String nodeId;
  private final long graceMs;
  /** How long a claimed job may go without a pid before it counts as lost. */
  private static final long SPAWN_WINDOW_S = 60;
  private final Map<String, Tracked> tracked = new HashMap<>();
  private final Set<String> starting = new HashSet<>();

  /** A live job process. */
  private static final class Tracked {
    final JsonObject job;
    final long pid;
    boolean canceling;
    long killTimer = -1;
    final List<Promise<Void>> exitWaiters = new java.util.ArrayList<>();

    Tracked(JsonObject job, long pid) {
      this.job = job;
      this.pid = pid;
    }
  }

  public SupervisorVerticle(JobRepository jobs, ModelRepository models, ResultRepository results, Launcher launcher,
                            String nodeId, long graceMs) {
    this.jobs = jobs;
    this.launcher = launcher;
    this.nodeId = nodeId;
    this.graceMs = graceMs;
    this.models = models;
    this.results = results;
  }

  @Override
  public Future<?> start() {
    outcomes = new Outcomes(vertx, models, results);
    var bus = vertx.eventBus();
    List<Future<?>> live = List.of(
        bus.<JsonObject>consumer(SupervisorApi.start(nodeId), m -> startJob(m.body().getString("job_id"))).completion(),
        bus.<JsonObject>consumer(SupervisorApi.cancel(nodeId), m -> stop(m, false)).completion(),
        bus.<JsonObject>consumer(SupervisorApi.kill(nodeId), m -> stop(m, true)).completion(),
        bus.<JsonObject>consumer(SupervisorApi.settle(nodeId), this::settle).completion());
    return Future.all(live).compose(v -> reconcile());
  }

  @Override
  public Future<?> stop() {
    // Processes outlive a stopping server on purpose; the next start reconciles them.
    return Future.succeededFuture();
  }

  /**
   * Start-up reconciliation: a running job of this node whose process is gone, or whose pid now
   * names another process, is settled canceled. A job process that is still alive cannot be waited
   * on by this new server (it is not our child, so its exit code is lost); its tree is stopped and
   * the job canceled, which keeps slot accounting exact.
   */
  private Future<Void> reconcile() {
    return jobs.runningOn(nodeId).compose(list -> {
      Future<Void> chain = Future.succeededFuture();
      for (JsonObject job : list) {
        chain = chain.compose(v -> reconcileOne(job));
      }
      return chain;
    });
  }

  private Future<Void> reconcileOne(JsonObject job) {
    String id = job.getString("job_id");
    Integer pid = job.getInteger("pid");
    return jobs.pidStart(id).compose(ticks -> vertx.executeBlocking(() -> {
      if (pid != null && ProcessGroup.isSame(pid, ticks.orElse(null))) {
        ProcessGroup.signal(pid, "TERM");
        ProcessGroup.awaitEmpty(pid, graceMs);
        return "the server restarted while it ran; its process tree was stopped";
      }
      return pid == null ? "the server stopped before its process started"
          : "its process no longer exists (the server restarted while it ran)";
    }, false)).compose(reason -> settleCanceled(id, reason));
  }

  private Future<Void> settleCanceled(String jobId, String reason) {
    return jobs.finish(jobId, "canceled", null, reason, null).map(done -> {
      done.ifPresent(this::announce);
      return null;
    });
  }

  private void startJob(String jobId) {
    if (tracked.containsKey(jobId) || !starting.add(jobId)) {
      return;
    }
    jobs.find(jobId, null).compose(found -> {
      if (found.isEmpty() || !"running".equals(found.get().getString("status"))
          || !nodeId.equals(found.get().getString("node_id"))) {
        return Future.succeededFuture();
      }
      JsonObject job = found.get();
      return vertx.executeBlocking(() -> launcher.launch(job), false)
          .compose(proc -> {
            Tracked t = new Tracked(job, proc.pid());
            tracked.put(jobId, t);
            var ctx = vertx.getOrCreateContext();
            proc.onExit().whenComplete((p, err) -> ctx.runOnContext(x -> onExit(t, p.exitValue())));
            return vertx.executeBlocking(() -> ProcessGroup.startTicks(proc.pid()).orElse(-1L), false)
                .compose(ticks -> jobs.markSpawned(jobId, proc.pid(), ticks))
                .map(cancel -> {
                  vertx.eventBus().send(LogsApi.watch(nodeId), new JsonObject().put("job_id", jobId)
                      .put("owner_user_id", job.getLong("owner_user_id")).put("log_path", job.getString("log_path"))
                      .put("started_at", job.getString("started_at")));
                  if (cancel.isEmpty() || cancel.get()) {
                    beginStop(t, false); // canceled or deleted while it was being spawned
                  }
                  return null;
                });
          }, err -> jobs.finish(jobId, "failed", null, "could not start the job program: " + err.getMessage(), null)
              .map(done -> {
                done.ifPresent(this::announce);
                return null;
              }));
    }).onComplete(ar -> {
      starting.remove(jobId);
      if (ar.failed()) {
        LOG.log(Level.WARNING, "starting job " + jobId + " failed", ar.cause());
      }
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
      // The DB already says cancel_requested; the spawn path reads it and stops the process.
      msg.reply(new JsonObject().put("job_id", jobId));
      return;
    }
    settleIfGone(jobId).onComplete(ar -> msg.reply(new JsonObject().put("job_id", jobId)));
  }

  private void beginStop(Tracked t, boolean now) {
    if (now) {
      t.canceling = true;
      vertx.executeBlocking(() -> {
        ProcessGroup.signal(t.pid, "KILL");
        return null;
      }, false);
      return;
    }
    if (t.canceling) {
      return;
    }
    t.canceling = true;
    vertx.executeBlocking(() -> {
      ProcessGroup.signal(t.pid, "TERM");
      return null;
    }, false);
    t.killTimer = vertx.setTimer(graceMs, x -> vertx.executeBlocking(() -> {
      ProcessGroup.signal(t.pid, "KILL");
      return null;
    }, false));
  }

  /** The direct child exited: wait out the rest of its group, then record the outcome and free the slot. */
  private void onExit(Tracked t, int exitCode) {
    String jobId = t.job.getString("job_id");
    vertx.executeBlocking(() -> {
      if (!ProcessGroup.members(t.pid).isEmpty()) {
        ProcessGroup.signal(t.pid, "TERM");
        ProcessGroup.awaitEmpty(t.pid, graceMs);
      }
      return Outcomes.lastLine(t.job.getString("log_path"));
    }, false).compose(lastLine -> vertx.eventBus().request(LogsApi.unwatch(nodeId), new JsonObject().put("job_id", jobId))
        .otherwiseEmpty().map(lastLine))
        .compose(lastLine -> jobs.find(jobId, null).compose(cur -> {
      boolean canceled = t.canceling || cur.map(j -> j.getBoolean("cancel_requested")).orElse(false);
      if (canceled) {
        return jobs.finish(jobId, "canceled", exitCode, "canceled by request", null);
      }
      if (exitCode == 0) {
        return outcomes.register(t.job).compose(outcome -> jobs.finish(jobId, "success", 0, null, outcome));
      }
      String error = lastLine == null ? "exited with code " + exitCode : lastLine;
      return jobs.finish(jobId, "failed", exitCode, error, null);
    }))
        // Whatever went wrong while recording (unreadable outputs, a database hiccup), the process is
        // gone: the job must not stay 'running' holding its user's slot.
        .recover(err -> jobs.finish(jobId, "failed", exitCode, "could not record the outcome: " + err.getMessage(), null))
        .onComplete(ar -> {
      vertx.cancelTimer(t.killTimer);
      tracked.remove(jobId);
      if (ar.failed()) {
        LOG.log(Level.SEVERE, "recording the exit of job " + jobId + " failed", ar.cause());
      } else {
        ar.result().ifPresent(this::announce);
      }
      t.exitWaiters.forEach(Promise::tryComplete);
      vertx.eventBus().send(SchedulerApi.WAKE, null);
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

  /** Settles a running job of this node that no process of ours backs. */
  private Future<Void> settleIfGone(String jobId) {
    return jobs.find(jobId, null).compose(found -> {
      if (found.isEmpty() || !"running".equals(found.get().getString("status"))) {
        return Future.succeededFuture();
      }
      JsonObject job = found.get();
      Integer pid = job.getInteger("pid");
      String started = job.getString("started_at");
      if (pid == null && started != null
          && java.time.Instant.parse(started).isAfter(java.time.Instant.now().minusSeconds(SPAWN_WINDOW_S))) {
        return Future.succeededFuture(); // claimed a moment ago; its start message is on its way
      }
      return jobs.pidStart(jobId).compose(ticks -> vertx.executeBlocking(() -> {
        if (pid == null) {
          return Optional.of("the server stopped before its process started");
        }
        if (ProcessGroup.isSame(pid, ticks.orElse(null))) {
          // Alive but not ours (adopted after a restart is not possible): stop it so the slot can free.
          ProcessGroup.signal(pid, "TERM");
          ProcessGroup.awaitEmpty(pid, graceMs);
          return Optional.of("its process was not supervised by this server and was stopped");
        }
        return Optional.of("its process no longer exists (the server restarted while it ran)");
      }, false)).compose(reason -> settleCanceled(jobId, reason.get()));
    });
  }

  private void announce(JsonObject job) {
    JobEvents.statusChanged(vertx.eventBus(), job, jobs);
    vertx.eventBus().send(SchedulerApi.WAKE, null);
  }
}
