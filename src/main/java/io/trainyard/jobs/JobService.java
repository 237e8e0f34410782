package io.trainyard.jobs;

import io.trainyard.auth.User;
import io.trainyard.demo.DemoData;
import io.trainyard.http.ApiException;
import io.trainyard.http.Validation;
import io.trainyard.scheduler.SchedulerApi;
import io.trainyard.supervisor.SupervisorApi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
  private final int defaultEpochs;
  private final String nodeId;

  public JobService(Vertx vertx, JobRepository jobs, ModelRepository models, ResultRepository results,
                    DatasetCatalog datasets, JobPaths paths, int defaultEpochs, String nodeId) {
    this.vertx = vertx;
    this.jobs = jobs;
    this.models = models;
    this.results = results;
    this.datasets = datasets;
    this.paths = paths;
    this.defaultEpochs = defaultEpochs;
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
    JobRequest req = new JobRequest(body, JobRequest.TRAIN_FIELDS);
    JsonObject params = new JsonObject();
    String dataset = req.string("dataset_id", true, JobRequest.DATASET_ID, "a dataset id (letters, digits, '_', '-')");
    params.put("dataset_id", dataset);
    params.put("prepared_dataset_id", req.string("prepared_dataset_id", false, JobRequest.DATASET_ID, "a dataset id"));
    params.put("gene_size", req.integer("gene_size", true, null, 1, JobRequest.MAX_DIM));
    params.put("output_dim", req.integer("output_dim", true, null, 1, JobRequest.MAX_DIM));
    params.put("use_drug_structure", req.bool("use_drug_structure", false));
    params.put("control_dataset_id", req.string("control_dataset_id", false, JobRequest.DATASET_ID, "a dataset id"));
    params.put("batch_size", req.integer("batch_size", false, 64, 1, JobRequest.MAX_DIM));
    params.put("lr", req.positiveNumber("lr", 1e-4, 100.0));
    params.put("epochs", req.integer("epochs", false, defaultEpochs, 1, JobRequest.MAX_EPOCHS));
    int priority = req.integer("priority", false, 0, -1_000_000, 1_000_000);
    dependsOnNotYet(req.validation(), body);
    return checkDataset(req.validation(), dataset)
        .compose(v -> {
          req.validation().throwIfInvalid();
          return create(user, "train", params, priority);
        });
  }

  public Future<JsonObject> submitPredict(User user, JsonObject body) {
    JobRequest req = new JobRequest(body, JobRequest.PREDICT_FIELDS);
    Validation v = req.validation();
    JsonObject params = new JsonObject();
    String dataset = req.string("dataset_id", true, JobRequest.DATASET_ID, "a dataset id (letters, digits, '_', '-')");
    params.put("dataset_id", dataset);
    String modelId = req.string("model_id", false, Ids.SAFE, "a model id");
    String modelPath = req.string("model_path", false, JobRequest.SAFE_PATH, "a path of letters, digits, '_', '.', '/', '-'");
    params.put("gene_size", req.integer("gene_size", true, null, 1, JobRequest.MAX_DIM));
    params.put("output_dim", req.integer("output_dim", true, null, 1, JobRequest.MAX_DIM));
    params.put("use_drug_structure", req.bool("use_drug_structure", false));
    int priority = req.integer("priority", false, 0, -1_000_000, 1_000_000);
    dependsOnNotYet(v, body);
    boolean hasId = body.getValue("model_id") != null;
    boolean hasPath = body.getValue("model_path") != null;
    if (hasId && hasPath) {
      v.add("model_id", "give model_id or model_path, not both");
    } else if (!hasId && !hasPath) {
      v.add("model_id", "is required (or model_path)");
    }
    Future<Void> model = Future.succeededFuture();
    if (modelId != null && !hasPath) {
      model = models.find(modelId, scope(user)).map(m -> {
        if (m.isEmpty()) {
          v.add("model_id", "unknown model");
        } else {
          params.put("model_id", modelId).put("model_path", m.get().getString("path"));
        }
        return null;
      });
    } else if (modelPath != null && !hasId) {
      model = vertx.executeBlocking(() -> paths.confinedFile(modelPath), false).map(p -> {
        if (p.isEmpty()) {
          v.add("model_path", "must name an existing file inside the artifacts directory");
        } else {
          params.put("model_id", null).put("model_path", p.get().toString());
        }
        return null;
      });
    }
    return model.compose(x -> checkDataset(v, dataset)).compose(x -> {
      v.throwIfInvalid();
      return create(user, "predict", params, priority);
    });
  }

  private static void dependsOnNotYet(Validation v, JsonObject body) {
    if (body.getValue("depends_on") != null) {
      v.add("depends_on", "job dependencies are not available on this server yet");
    }
  }

  private Future<Void> checkDataset(Validation v, String dataset) {
    if (dataset == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> datasets.describe(dataset), false).map(info -> {
      if (info.isEmpty()) {
        v.add("dataset_id", "unknown dataset '" + dataset + "'");
      }
      return null;
    });
  }

  private Future<JsonObject> create(User user, String type, JsonObject params, int priority) {
    String id = Ids.job();
    Path dir = paths.jobDir(id);
    return vertx.executeBlocking(() -> Files.createDirectories(dir), false)
        .compose(d -> jobs.insertQueued(id, type, user.id(), params, priority,
            paths.logFile(id).toString(), dir.toString()))
        .onSuccess(job -> {
          JobEvents.statusChanged(vertx.eventBus(), job);
          vertx.eventBus().send(SchedulerApi.WAKE, null);
        });
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
    if (!"running".equals(job.getString("status")) || !"local".equals(job.getString("provider"))) {
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
      if ("queued".equals(status)) {
        return jobs.cancelQueued(jobId).compose(c -> {
          if (c.isPresent()) {
            JobEvents.statusChanged(vertx.eventBus(), c.get());
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

  /**
   * Sends a request about a running job to its node. A node that no longer exists cannot have the
   * process, so the job is settled here as canceled.
   */
  private Future<Void> askSupervisor(JsonObject job, String address, long timeoutMs) {
    return vertx.eventBus().request(address, new JsonObject().put("job_id", job.getString("job_id")),
            new DeliveryOptions().setSendTimeout(timeoutMs))
        .<Void>mapEmpty()
        .recover(err -> {
          if (err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
            return jobs.finish(job.getString("job_id"), "canceled", null,
                    "node " + job.getString("node_id") + " is gone; its process cannot be running", null)
                .onSuccess(j -> j.ifPresent(done -> {
                  JobEvents.statusChanged(vertx.eventBus(), done);
                  vertx.eventBus().send(SchedulerApi.WAKE, null);
                }))
                .mapEmpty();
          }
          return Future.failedFuture(err);
        });
  }

  public Future<JsonObject> delete(User user, String jobId, boolean purge) {
    return visible(user, jobId).compose(this::settleIfStale).compose(job -> {
      if (!isTerminal(job.getString("status"))) {
        return Future.failedFuture(ApiException.badRequest("Job is still active (" + job.getString("status")
            + "); cancel it first"));
      }
      return removeRecord(job, purge, false).compose(r -> r
          .map(res -> Future.succeededFuture(res.put("deleted", true)))
          .orElseGet(() -> Future.failedFuture(ApiException.badRequest("Job is still active; cancel it first"))));
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
    return jobs.forFlush(scope(user), all).compose(list -> {
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
    if ("running".equals(job.getString("status"))) {
      stopped = settleIfStale(job).compose(j -> {
        if (!"running".equals(j.getString("status"))) {
          return Future.succeededFuture(true);
        }
        if (!force) {
          out.getJsonArray("skipped_running_jobs").add(j.getString("job_id"));
          return Future.succeededFuture(false);
        }
        return askSupervisor(j, SupervisorApi.kill(j.getString("node_id")), 30_000).map(true);
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

  static List<String> ids(List<JsonObject> jobs) {
    List<String> out = new ArrayList<>();
    jobs.forEach(j -> out.add(j.getString("job_id")));
    return out;
  }

  /** The dataset shape, for the predict route's checks and the UI. */
  public Optional<DemoData.Info> dataset(String id) {
    return datasets.describe(id);
  }
}
