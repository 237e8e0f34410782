package io.trainyard.logs;

import io.trainyard.auth.User;
import io.trainyard.domain.DomainException;
import io.trainyard.jobs.Job;
import io.trainyard.jobs.JobService;
import io.trainyard.jobs.JobStatus;
import io.trainyard.store.Times;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/**
 * Reading a job's log and progress for a user: the job must be visible to them, and the node that ran
 * it reads its own disk ({@link LogsApi#read}).
 */
public final class LogService {
  private final Vertx vertx;
  private final JobService jobs;
  private final String nodeId;

  public LogService(Vertx vertx, JobService jobs, String nodeId) {
    this.vertx = vertx;
    this.jobs = jobs;
    this.nodeId = nodeId;
  }

  /** Everything the tail keeps: {@code {log}}. */
  public Future<JsonObject> tail(User user, String jobId) {
    return read(user, jobId, new JsonObject().put("mode", "tail"));
  }

  /** From a byte offset: {@code {log, offset, next_offset}}. */
  public Future<JsonObject> fromOffset(User user, String jobId, long offset) {
    return read(user, jobId, new JsonObject().put("mode", "offset").put("offset", offset));
  }

  /** The last lines: {@code {logs}}. */
  public Future<JsonObject> lastLines(User user, String jobId, int lines) {
    return read(user, jobId, new JsonObject().put("mode", "lines").put("lines", lines));
  }

  /** The metric series parsed from the whole log: {@code {series: {name: [[step, value], ...]}}}. */
  public Future<JsonObject> metrics(User user, String jobId) {
    return read(user, jobId, new JsonObject().put("mode", "metrics"))
        .map(r -> new JsonObject().put("job_id", jobId).put("series", r.getJsonObject("series", new JsonObject())));
  }

  /**
   * Where the job's whole log can be streamed from: a file on this node's disk ({@code path}, null
   * when there is no log yet), or, for a job another node ran, {@code remote}: that job, to read
   * through {@link #chunk} from its node, chunk after chunk.
   */
  public record Download(String path, Job remote) {
  }

  public Future<Download> download(User user, String jobId) {
    return jobs.visible(user, jobId).compose(job -> job.nodeId() != null && !job.nodeId().equals(nodeId)
        ? Future.succeededFuture(new Download(null, job))
        : file(job).map(path -> new Download(path, null)));
  }

  /** A chunk of a job the caller was already allowed to see ({@link #download}): {log, offset, next_offset}. */
  public Future<JsonObject> chunk(Job job, long offset) {
    return read(job, new JsonObject().put("mode", "offset").put("offset", offset));
  }

  /** Asked of this node's own reader: the file is sent from this disk. */
  private Future<String> file(Job job) {
    JsonObject req = new JsonObject().put("mode", "file").put("job_id", job.id()).put("log_path", job.logPath())
        .put("artifacts_dir", job.artifactsDir());
    return vertx.eventBus().<JsonObject>request(LogsApi.read(nodeId), req).map(m -> m.body().getString("path"));
  }

  /**
   * Progress of a running job, parsed fresh from its log by the node that runs it; cloud jobs answer
   * what the poller and webhooks stored. Jobs that are not running answer nulls.
   */
  public Future<JsonObject> inlineProgress(User user, String jobId) {
    return jobs.visible(user, jobId).compose(job -> {
      JsonObject out = new JsonObject().put("job_id", job.id());
      if (job.status() != JobStatus.RUNNING) {
        return Future.succeededFuture(out.put("stage", null).put("last_log", null).put("progress", null)
            .put("eta_seconds", null));
      }
      JsonObject stored = new JsonObject().put("stage", job.stage()).put("last_log", job.lastLog())
          .put("progress", job.progress()).put("eta_seconds", job.etaSeconds());
      if (!job.isLocal()) {
        return Future.succeededFuture(out.mergeIn(stored));
      }
      return read(job, new JsonObject().put("mode", "progress").put("started_at", Times.iso(job.startedAt())))
          .map(out::mergeIn).otherwise(out.mergeIn(stored));
    });
  }

  private Future<JsonObject> read(User user, String jobId, JsonObject req) {
    return jobs.visible(user, jobId).compose(job -> read(job, req));
  }

  /** Asks the node that ran (or will run) the job to read its log. */
  private Future<JsonObject> read(Job job, JsonObject req) {
    String node = job.nodeId() != null ? job.nodeId() : nodeId;
    req.put("job_id", job.id()).put("log_path", job.logPath()).put("artifacts_dir", job.artifactsDir());
    return vertx.eventBus().<JsonObject>request(LogsApi.read(node), req, new DeliveryOptions().setSendTimeout(10_000))
        .recover(err -> node.equals(nodeId) ? Future.failedFuture(DomainException.fromReply(err))
            // The node that ran it is gone; with shared storage our own reader can still serve it.
            : vertx.eventBus().request(LogsApi.read(nodeId), req))
        .map(m -> m.body());
  }
}
