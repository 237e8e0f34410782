package io.trainyard.jobs;

import io.trainyard.auth.User;
import io.trainyard.http.ApiException;
import io.trainyard.scheduler.SchedulerApi;
import io.trainyard.supervisor.SupervisorApi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Optional;

/**
 * What the REST routes do with jobs: validated submission, visibility, cancel, delete and flush.
 * Process work is asked of the owning node's supervisor over the event bus.
 */
public final class JobService {
  private final Vertx vertx;
  private final JobRepository jobs;
  private final ModelRepository models;
  private final ResultRepository results;
  private final DatasetCatalog datasets;
  private final JobPaths paths;
  private final Submissions submissions;
  private final String nodeId;

  public JobService(Vertx vertx, JobRepository jobs, ModelRepository models, ResultRepository results,
                    DatasetCatalog datasets, JobPaths paths, int defaultEpochs, String nodeId) {
    this.vertx = vertx;
    this.jobs = jobs;
    this.models = models;
    this.results = results;
    this.datasets = datasets;
    this.paths = paths;
    this.submissions = new Submissions(vertx, jobs, models, datasets, paths, defaultEpochs);
    this.nodeId = nodeId;
  }

  public JobRepository repository() {
    return jobs;
  }

  /** Visibility: null (any owner) for admins, else the caller's id. */
  public static Long scope(User user) {
    return user.isAdmin() ? null : user.id();
  }

  public Future<JsonObject> submitTrain(User user, JsonObject body) {
    return submissions.submit(user, "train", body);
  }

  public Future<JsonObject> submitPredict(User user, JsonObject body) {
    return submissions.submit(user, "predict", body);
  }

  public Submissions submissions() {
    return submissions;
  }

  /** Rerun: a new job (or whole sweep) like this one, owned by the caller. */
  public Future<JsonObject> rerun(User user, String jobId) {
    return visible(user, jobId).compose(job -> submissions.rerun(user, job));
  }

  /** {job_id, shard_count, shards}; a job that is not a sweep has none. */
  public Future<JsonObject> shards(User user, String jobId) {
    return visible(user, jobId).compose(job -> (!"sweep".equals(job.getString("job_type"))
        ? Future.succeededFuture(List.<JsonObject>of()) : jobs.shards(jobId))
        .map(list -> new JsonObject().put("job_id", jobId).put("shard_count", list.size())
            .put("shards", new JsonArray(list))));
  }

  /** The job, if the user may see it; a running job whose process is gone is settled first. */
  public Future<JsonObject> get(User user, String jobId) {
    return visible(user, jobId).compose(this::settleIfStale);
  }

  /** A job the user may see, or a 404 exactly as if it did not exist. */
  public Future<JsonObject> visible(User user, String jobId) {
    if (!Ids.plausible(jobId)) {
      return Future.failedFuture(ApiException.notFound("Job not found"));
    }
    return jobs.find(jobId, scope(user)).compose(j -> j.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(ApiException.notFound("Job not found"))));
  }

  /** Asks the job's node whether a running job still has its process; answers the current record. */
  public Future<JsonObject> settleIfStale(JsonObject job) {
    if (!"running".equals(job.getString("status")) || !"local".equals(job.getString("provider"))
        || "sweep".equals(job.getString("job_type"))) { // a sweep parent has no process; its shards do
      return Future.succeededFuture(job);
    }
    return askSupervisor(job, SupervisorApi.settle(job.getString("node_id")), 10_000)
        .compose(x -> jobs.find(job.getString("job_id"), null))
        .map(j -> j.orElse(job));
  }

  public Future<JsonObject> cancel(User user, String jobId) {
    return visible(user, jobId).compose(job -> {
      String status = job.getString("status");
      if (isTerminal(status)) {
        return Future.failedFuture(ApiException.badRequest("Job is already finished: " + status));
      }
      if (!"local".equals(job.getString("provider"))) {
        // Cloud job (issue 4): canceled at its provider by the providers verticle; failures carry HTTP statuses.
        return vertx.eventBus().<JsonObject>request(io.trainyard.providers.ProvidersApi.CANCEL,
            new JsonObject().put("job_id", jobId), new DeliveryOptions().setSendTimeout(45_000)).map(m -> m.body());
      }
      if ("sweep".equals(job.getString("job_type"))) {
        return cancelSweep(user, job);
      }
      if ("queued".equals(status)) {
        return jobs.cancelQueued(jobId).compose(c -> {
          if (c.isPresent()) {
            JobEvents.statusChanged(vertx.eventBus(), c.get(), jobs);
            vertx.eventBus().send(SchedulerApi.WAKE, null);
            return Future.succeededFuture(c.get());
          }
          return cancel(user, jobId); // it started meanwhile: cancel it as a running job
        });
      }
      return jobs.requestCancel(jobId).compose(flagged -> {
        if (flagged.isEmpty()) {
          return cancel(user, jobId); // finished meanwhile: answer with its final state
        }
        JsonObject running = flagged.get();
        JobEvents.statusChanged(vertx.eventBus(), running);
        return askSupervisor(running, SupervisorApi.cancel(running.getString("node_id")), 10_000)
            .compose(x -> jobs.find(jobId, null)).map(j -> j.orElse(running));
      });
    });
  }

  /** The parent is flagged first, so that once its shards have ended the database calls it canceled. */
  private Future<JsonObject> cancelSweep(User user, JsonObject parent) {
    String id = parent.getString("job_id");
    return jobs.flagCancel(id).compose(v -> jobs.shards(id)).compose(shards -> {
      Future<Void> chain = Future.succeededFuture();
      for (JsonObject shard : shards) {
        if (!isTerminal(shard.getString("status"))) {
          chain = chain.compose(x -> cancel(user, shard.getString("job_id")).<Void>mapEmpty()
              .recover(err -> Future.succeededFuture())); // a shard that finished meanwhile
        }
      }
      return chain;
    }).compose(v -> jobs.find(id, null)).map(j -> j.orElse(parent));
  }

  /**
   * Sends a request about a running job to its node. Without an answering consumer (another node on
   * the same PostgreSQL but not on this event bus, or one that is down) nothing is decided here: that
   * node settles its own jobs when it starts, and picks up a cancel_requested flag on its next
   * scheduler tick. Settling from here could cancel a job that is alive elsewhere.
   */
  private Future<Boolean> askSupervisor(JsonObject job, String address, long timeoutMs) {
    return vertx.eventBus().request(address, new JsonObject().put("job_id", job.getString("job_id")),
            new DeliveryOptions().setSendTimeout(timeoutMs))
        .map(true)
        .recover(err -> err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS
            ? Future.succeededFuture(false)
            : Future.failedFuture(err));
  }

  public Future<JsonObject> delete(User user, String jobId, boolean purge) {
    return visible(user, jobId).compose(this::settleIfStale).compose(job -> {
      if (!isTerminal(job.getString("status"))) {
        return Future.failedFuture(ApiException.badRequest("Job is still active (" + job.getString("status")
            + "); cancel it first"));
      }
      Future<JsonObject> shardsGone = !"sweep".equals(job.getString("job_type"))
          ? Future.succeededFuture(new JsonObject().put("removed_models", 0).put("removed_results", 0))
          : removeShards(job.getString("job_id"), purge);
      return shardsGone.compose(extra -> removeRecord(job, purge, false).map(r -> r.map(res -> res
          .put("removed_models", res.getInteger("removed_models") + extra.getInteger("removed_models"))
          .put("removed_results", res.getInteger("removed_results") + extra.getInteger("removed_results")))))
          .compose(r -> r
          .map(res -> Future.succeededFuture(res.put("deleted", true)))
          .orElseGet(() -> Future.failedFuture(ApiException.badRequest("Job is still active; cancel it first"))));
    });
  }

  private Future<JsonObject> removeShards(String parentId, boolean purge) {
    JsonObject total = new JsonObject().put("removed_models", 0).put("removed_results", 0);
    return jobs.shards(parentId).compose(shards -> {
      Future<Void> chain = Future.succeededFuture();
      for (JsonObject shard : shards) {
        chain = chain.compose(x -> removeRecord(shard, purge, false).map(r -> {
          r.ifPresent(res -> total.put("removed_models", total.getInteger("removed_models") + res.getInteger("removed_models"))
              .put("removed_results", total.getInteger("removed_results") + res.getInteger("removed_results")));
          return null;
        }));
      }
      return chain.map(total);
    });
  }

  private Future<Optional<JsonObject>> removeRecord(JsonObject job, boolean purge, boolean allowActive) {
    return jobs.deleteInactive(job.getString("job_id"), allowActive).compose(r -> {
      if (r.isEmpty() || !purge) {
        return Future.succeededFuture(r);
      }
      return vertx.executeBlocking(() -> paths.purge(job.getString("artifacts_dir")), false).map(x -> r);
    });
  }

  /**
   * Deletes the caller's active jobs (scope=active) or all their jobs (scope=all). Live processes
   * are killed first when {@code force}, else listed in skipped_running_jobs and kept.
   */
  public Future<JsonObject> flush(User user, String scope, boolean purge, boolean force) {
    boolean all = "all".equals(scope);
    // Killing running jobs frees slots while the flush goes on; flagging the queued ones first keeps the
    // scheduler from starting a job this flush then deletes (claims skip cancel_requested jobs).
    return jobs.flagQueuedCanceled(scope(user)).compose(x -> jobs.forFlush(scope(user), all)).compose(list -> {
      JsonObject out = new JsonObject().put("scope", all ? "all" : "active").put("deleted_jobs", 0)
          .put("removed_models", 0).put("removed_results", 0).put("skipped_running_jobs", new JsonArray());
      Future<Void> chain = Future.succeededFuture();
      for (JsonObject job : list) {
        chain = chain.compose(x -> flushOne(job, purge, force, out));
      }
      return chain.map(out).onSuccess(x -> vertx.eventBus().send(SchedulerApi.WAKE, null));
    });
  }

  private Future<Void> flushOne(JsonObject job, boolean purge, boolean force, JsonObject out) {
    Future<Boolean> stopped = Future.succeededFuture(true);
    boolean active = !isTerminal(job.getString("status"));
    if (active && !"local".equals(job.getString("provider"))) {
      // A cloud job is canceled at its provider first, so it does not keep running (and billing) there.
      stopped = force
          ? vertx.eventBus().request(io.trainyard.providers.ProvidersApi.CANCEL, new JsonObject().put("job_id",
              job.getString("job_id")), new DeliveryOptions().setSendTimeout(45_000)).map(true)
          : Future.succeededFuture(false).onSuccess(x -> out.getJsonArray("skipped_running_jobs").add(job.getString("job_id")));
    } else if ("running".equals(job.getString("status")) && !"sweep".equals(job.getString("job_type"))) {
      stopped = settleIfStale(job).compose(j -> {
        if (!"running".equals(j.getString("status"))) {
          return Future.succeededFuture(true);
        }
        if (!force) {
          out.getJsonArray("skipped_running_jobs").add(j.getString("job_id"));
          return Future.succeededFuture(false);
        }
        return askSupervisor(j, SupervisorApi.kill(j.getString("node_id")), 30_000).map(reached -> {
          if (!reached) {
            out.getJsonArray("skipped_running_jobs").add(j.getString("job_id")); // its node is not reachable from here
          }
          return reached;
        });
      });
    }
    return stopped.compose(go -> !go ? Future.succeededFuture() : removeRecord(job, purge, true).map(r -> {
      r.ifPresent(res -> out.put("deleted_jobs", out.getInteger("deleted_jobs") + 1)
          .put("removed_models", out.getInteger("removed_models") + res.getInteger("removed_models"))
          .put("removed_results", out.getInteger("removed_results") + res.getInteger("removed_results")));
      return null;
    }));
  }

  public Future<JsonArray> datasets() {
    return vertx.executeBlocking(datasets::list, false);
  }

  public ModelRepository models() {
    return models;
  }

  public ResultRepository results() {
    return results;
  }

  public String nodeId() {
    return nodeId;
  }

  public static boolean isTerminal(String status) {
    return "success".equals(status) || "failed".equals(status) || "canceled".equals(status);
  }

}
